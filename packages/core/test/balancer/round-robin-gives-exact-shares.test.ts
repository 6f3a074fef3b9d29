import { BackendSet } from '../../src/backend';
import { createBalancer } from '../../src/balancer/index';
import { SharedState } from '../../src/shared/state';
import { makeBackends, makeSet, testDims } from '../fixtures/helpers';

function countPicks(picks: number, pickOnce: () => number): number[] {
  const counts: number[] = [];
  for (let k = 0; k < picks; k++) {
    const slot = pickOnce();
    counts[slot] = (counts[slot] ?? 0) + 1;
  }
  return counts;
}

describe('round robin gives every backend exactly its weighted share', () => {
  test.each([
    { weights: [1, 1, 1], picks: 300, shares: [100, 100, 100] },
    { weights: [1, 2, 3], picks: 300, shares: [50, 100, 150] },
    { weights: [5, 1], picks: 60, shares: [50, 10] },
    { weights: [2, 2, 2, 2], picks: 80, shares: [20, 20, 20, 20] },
  ])('weights $weights over $picks picks -> $shares', ({ weights, picks, shares }) => {
    const set = makeSet(weights);
    const rr = createBalancer('round-robin', set);
    const counts = countPicks(picks, () => {
      const b = rr.pick({ clientKey: '', now: 0 })!;
      set.release(b);
      return b.slot;
    });
    expect(counts).toEqual(shares);
  });

  test('a heavy backend is spread through the cycle, not taken in a run', () => {
    const set = makeSet([1, 2, 3]);
    const rr = createBalancer('round-robin', set);
    const order = Array.from({ length: 6 }, () => {
      const b = rr.pick({ clientKey: '', now: 0 })!;
      set.release(b);
      return b.id;
    });
    expect(order).toEqual(['b2', 'b1', 'b0', 'b2', 'b1', 'b2']);
  });
});

describe('round robin walks one cursor shared by every worker', () => {
  test.each([
    { weights: [1, 1, 1], picks: 300, shares: [100, 100, 100] },
    { weights: [1, 2, 3], picks: 300, shares: [50, 100, 150] },
  ])('two workers alternating over weights $weights still give $shares', (c) => {
    const state = SharedState.create(testDims({ backends: c.weights.length }), 10);
    const sets = [0, 1].map((w) => new BackendSet(state, w, makeBackends(c.weights)));
    const balancers = sets.map((s) => createBalancer('round-robin', s));
    const counts = countPicks(
      c.picks,
      (() => {
        let k = 0;
        return () => {
          const w = k++ % 2;
          const b = balancers[w]!.pick({ clientKey: '', now: 0 })!;
          sets[w]!.release(b);
          return b.slot;
        };
      })(),
    );
    expect(counts).toEqual(c.shares);
  });

  test('the second worker continues where the first stopped instead of restarting', () => {
    const state = SharedState.create(testDims({ backends: 3 }), 10);
    const sets = [0, 1, 2].map((w) => new BackendSet(state, w, makeBackends([1, 1, 1])));
    const balancers = sets.map((s) => createBalancer('round-robin', s));
    const order = [0, 1, 2, 0, 1, 2].map((w) => {
      const b = balancers[w]!.pick({ clientKey: '', now: 0 })!;
      sets[w]!.release(b);
      return b.id;
    });
    expect(order).toEqual(['b0', 'b1', 'b2', 'b0', 'b1', 'b2']);
  });
});
