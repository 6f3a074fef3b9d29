import type { LbError } from '../../src/errors';
import { Semaphore } from '../../src/semaphore';
import { SharedState } from '../../src/shared/state';
import { testDims } from '../fixtures/helpers';
import { idleCounters, queueCounters } from '../fixtures/queue';

describe('a newcomer beyond maxQueue is refused at once with LB_ERR_QUEUE_FULL', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] }));
  afterEach(() => jest.useRealTimers());

  test.each([
    { maxQueue: 0, queueSlots: 1, admitted: 0 },
    { maxQueue: 2, queueSlots: 8, admitted: 2 },
    { maxQueue: 100, queueSlots: 3, admitted: 3 },
  ])('maxQueue $maxQueue over $queueSlots records admits $admitted', async (c) => {
    const state = SharedState.create(testDims({ queueSlots: c.queueSlots }), 1);
    const holder = new Semaphore(state, 0, { maxQueue: c.maxQueue, timeoutMs: 1000 });
    const sem = new Semaphore(state, 1, { maxQueue: c.maxQueue, timeoutMs: 1000 });
    holder.tryAcquire(0);
    const admitted = Array.from({ length: c.admitted }, () => sem.enqueue(1, jest.fn()));
    expect(admitted.every((t) => t !== null)).toBe(true);

    const refused = jest.fn<void, [LbError | null]>();
    expect(sem.enqueue(0, refused)).toBeNull();
    expect(refused).not.toHaveBeenCalled(); // asynchronous, but without waiting for any timer
    await Promise.resolve();
    expect(refused).toHaveBeenCalledTimes(1);
    expect(refused.mock.calls[0]![0]).toMatchObject({ code: 'LB_ERR_QUEUE_FULL', status: 503 });
    expect(state.load64('queueOverflows')).toBe(1);
    expect(state.load('queueTotal')).toBe(c.admitted);

    for (const t of admitted) t!.cancel();
    holder.release();
    expect(queueCounters(state)).toEqual(idleCounters(state));
  });

  test('a place freed by a timeout can be taken again', async () => {
    const state = SharedState.create(testDims(), 1);
    const holder = new Semaphore(state, 0, { maxQueue: 1, timeoutMs: 10 });
    const sem = new Semaphore(state, 1, { maxQueue: 1, timeoutMs: 10 });
    holder.tryAcquire(0);
    const first = jest.fn();
    sem.enqueue(1, first);
    expect(sem.enqueue(1, jest.fn())).toBeNull();
    jest.advanceTimersByTime(10);
    expect(first).toHaveBeenCalledWith(expect.objectContaining({ code: 'LB_ERR_QUEUE_TIMEOUT' }));

    const again = sem.enqueue(1, jest.fn());
    expect(again).not.toBeNull();
    again!.cancel();
    holder.release();
    expect(state.load64('queueOverflows')).toBe(1);
    expect(queueCounters(state)).toEqual(idleCounters(state));
  });
});
