import type { Backend, BackendSet } from '../../src/backend';
import { ALGORITHMS, createBalancer } from '../../src/balancer/index';
import { clientAddress, makeSet } from '../fixtures/helpers';

function actives(set: BackendSet): number[] {
  return set.list.map((b) => set.state.load('backendActive', b.slot));
}

function helds(set: BackendSet): number[] {
  return set.list.map((b) => set.state.load('backendHeld', set.state.heldIndex(0, b.slot)));
}

describe('a pick never returns an excluded backend', () => {
  test.each(ALGORITHMS)('%s: slots in exclude get nothing', (algorithm) => {
    const set = makeSet([1, 1, 1]);
    const balancer = createBalancer(algorithm, set);
    const counts = [0, 0, 0];
    for (let k = 0; k < 200; k++) {
      const b = balancer.pick({ clientKey: clientAddress(k), exclude: new Set([0]), now: 0 })!;
      counts[b.slot]!++;
      set.release(b);
    }
    expect(counts[0]).toBe(0);
    expect(counts[1]! + counts[2]!).toBe(200);
  });

  test.each(ALGORITHMS)('%s: with every backend excluded, pick returns null', (algorithm) => {
    const set = makeSet([1, 1, 1]);
    const balancer = createBalancer(algorithm, set);
    expect(balancer.pick({ clientKey: '10.0.0.9', exclude: new Set([0, 1, 2]), now: 0 })).toBe(
      null,
    );
    expect(actives(set)).toEqual([0, 0, 0]);
  });
});

describe('a backend never holds more than its maxConnections, and every pick is released', () => {
  test.each(ALGORITHMS)('%s: limits 2, 5, none over 30 held picks', (algorithm) => {
    const set = makeSet([1, 1, 1], [2, 5, 0]);
    const balancer = createBalancer(algorithm, set);
    const held: Backend[] = [];
    for (let k = 0; k < 30; k++) {
      held.push(balancer.pick({ clientKey: clientAddress(k % 7), now: 0 })!);
      expect(set.active(set.get(0)!)).toBeLessThanOrEqual(2);
      expect(set.active(set.get(1)!)).toBeLessThanOrEqual(5);
    }
    expect(held.every((b) => b !== null)).toBe(true);
    expect(actives(set)).toEqual([2, 5, 23]);
    expect(helds(set)).toEqual([2, 5, 23]);

    for (const b of held) set.release(b);
    expect(actives(set)).toEqual([0, 0, 0]);
    expect(helds(set)).toEqual([0, 0, 0]);
  });

  test.each(ALGORITHMS)('%s: when every backend is full, pick returns null', (algorithm) => {
    const set = makeSet([1, 1], [1, 1]);
    const balancer = createBalancer(algorithm, set);
    const a = balancer.pick({ clientKey: '10.0.0.1', now: 0 });
    const b = balancer.pick({ clientKey: '10.0.0.1', now: 0 });
    expect(new Set([a?.slot, b?.slot])).toEqual(new Set([0, 1]));
    expect(balancer.pick({ clientKey: '10.0.0.1', now: 0 })).toBeNull();
    set.release(a!);
    set.release(b!);
    expect(actives(set)).toEqual([0, 0]);
  });

  test('every pick counts once in the backend total', () => {
    const set = makeSet([1, 2]);
    const balancer = createBalancer('round-robin', set);
    for (let k = 0; k < 30; k++) set.release(balancer.pick({ clientKey: '', now: 0 })!);
    expect([set.state.load64('backendTotal', 0), set.state.load64('backendTotal', 1)]).toEqual([
      10, 20,
    ]);
  });
});
