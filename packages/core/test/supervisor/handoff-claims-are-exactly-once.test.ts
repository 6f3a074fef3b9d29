import { SharedState } from '../../src/shared/state';
import { Claim, HandoffSlots, takeHandoff } from '../../src/supervisor/handoff';
import { testDims } from '../fixtures/helpers';

function makeSlots(size = 4) {
  const state = SharedState.create(testDims({ handoffSlots: size }), 1);
  return { state, slots: new HandoffSlots(state) };
}

function claims(state: SharedState): number[] {
  return Array.from({ length: state.dims.handoffSlots }, (_, s) => state.load('handoffState', s));
}

describe('each handed-off fd is owned by exactly one side', () => {
  test('put then take: the worker gets the fd once and the record is free again', () => {
    const { state, slots } = makeSlots();
    const slot = slots.put(41, 2);
    expect(slot).toBeGreaterThanOrEqual(0);
    expect(state.load('handoffState', slot)).toBe(Claim.Pending);

    expect(takeHandoff(state, slot)).toBe(41);
    expect(takeHandoff(state, slot)).toBe(-1);
    expect(slots.reclaim(2)).toEqual([]);
    expect(claims(state)).toEqual([0, 0, 0, 0]);
  });

  test('reclaim returns only the dead worker’s untaken fds, and they cannot be taken after', () => {
    const { state, slots } = makeSlots();
    const a = slots.put(10, 1);
    const b = slots.put(11, 2);
    const c = slots.put(12, 1);
    expect(takeHandoff(state, c)).toBe(12); // taken before the worker died: the worker owns it

    expect(slots.reclaim(1)).toEqual([10]);
    expect(takeHandoff(state, a)).toBe(-1);
    expect(slots.reclaim(1)).toEqual([]);
    expect(takeHandoff(state, b)).toBe(11);
    expect(claims(state)).toEqual([0, 0, 0, 0]);
  });

  test('a full table returns -1, and a taken record can be used again', () => {
    const { state, slots } = makeSlots(3);
    const used = [slots.put(1, 0), slots.put(2, 0), slots.put(3, 0)];
    expect(new Set(used).size).toBe(3);
    expect(slots.put(4, 0)).toBe(-1);

    expect(takeHandoff(state, used[1]!)).toBe(2);
    const again = slots.put(5, 1);
    expect(again).toBe(used[1]);
    expect(slots.put(6, 1)).toBe(-1);
    expect(slots.reclaim(0).sort()).toEqual([1, 3]);
    expect(slots.reclaim(1)).toEqual([5]);
    expect(claims(state)).toEqual([0, 0, 0]);
  });

  test.each([
    { order: 'take first', takeFirst: true },
    { order: 'reclaim first', takeFirst: false },
  ])('take and reclaim of one record: $order, exactly one wins', ({ takeFirst }) => {
    const { state, slots } = makeSlots();
    const slot = slots.put(77, 3);
    const results = takeFirst
      ? { taken: takeHandoff(state, slot), reclaimed: slots.reclaim(3) }
      : { reclaimed: slots.reclaim(3), taken: takeHandoff(state, slot) };
    const owners =
      (results.taken === 77 ? 1 : 0) + results.reclaimed.filter((fd) => fd === 77).length;
    expect(owners).toBe(1);
  });

  test('1000 fds through a small table: every fd owned exactly once', () => {
    const { state, slots } = makeSlots(8);
    const owned: number[] = [];
    const pending: number[] = [];
    for (let fd = 100; fd < 1100; fd++) {
      let slot = slots.put(fd, fd % 3);
      if (slot < 0) {
        // Table full: the oldest pending is taken, or reclaimed if its worker "died".
        const oldest = pending.shift()!;
        const worker = state.load('handoffWorker', oldest);
        if (worker === 0) owned.push(...slots.reclaim(0));
        else owned.push(takeHandoff(state, oldest));
        pending.splice(
          0,
          pending.length,
          ...pending.filter((s) => state.load('handoffState', s) === Claim.Pending),
        );
        slot = slots.put(fd, fd % 3);
      }
      expect(slot).toBeGreaterThanOrEqual(0);
      pending.push(slot);
    }
    for (const w of [0, 1, 2]) owned.push(...slots.reclaim(w));
    expect(owned.filter((fd) => fd >= 0).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 1000 }, (_, i) => 100 + i),
    );
  });
});
