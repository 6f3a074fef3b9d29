import { BackendSet, type Backend } from '../../src/backend';
import { createBalancer } from '../../src/balancer/index';
import { makeSet } from '../fixtures/helpers';

describe('least connections picks the lowest (active + 1) / weight', () => {
  test('A holding 10: the next 20 go 10/10 to B and C, then all three share evenly', () => {
    const set = makeSet([1, 1, 1]);
    const [a, b, c] = set.list as Backend[];
    for (let k = 0; k < 10; k++) expect(set.take(a!)).toBe(true);
    const lc = createBalancer('least-connections', set);
    const held: Backend[] = [];
    const count = (n: number) => {
      const counts = [0, 0, 0];
      for (let k = 0; k < n; k++) {
        const pick = lc.pick({ clientKey: '', now: 0 })!;
        held.push(pick);
        counts[pick.slot]!++;
      }
      return counts;
    };

    expect(count(20)).toEqual([0, 10, 10]);
    expect(count(30)).toEqual([10, 10, 10]);
    expect([a, b, c].map((x) => set.active(x!))).toEqual([20, 20, 20]);
    for (const x of held) set.release(x);
    for (let k = 0; k < 10; k++) set.release(a!);
    expect([a, b, c].map((x) => set.active(x!))).toEqual([0, 0, 0]);
  });

  test.each([
    { weights: [1, 3], picks: 40, shares: [10, 30] },
    { weights: [1, 2, 3], picks: 60, shares: [10, 20, 30] },
    { weights: [2, 1], picks: 30, shares: [20, 10] },
  ])('weights $weights, $picks held picks -> $shares', ({ weights, picks, shares }) => {
    const set = makeSet(weights);
    const lc = createBalancer('least-connections', set);
    const counts = weights.map(() => 0);
    for (let k = 0; k < picks; k++) {
      const scores = set.list.map((x) => (set.active(x) + 1) / x.weight);
      const pick = lc.pick({ clientKey: '', now: 0 })!;
      expect(scores[pick.slot]).toBe(Math.min(...scores)); // every pick is a least-loaded one
      counts[pick.slot]!++;
    }
    expect(counts).toEqual(shares);
  });

  test('with release after each pick, equal backends share the work', () => {
    const set = makeSet([1, 1, 1]);
    const lc = createBalancer('least-connections', set);
    const counts = [0, 0, 0];
    for (let k = 0; k < 300; k++) {
      const pick = lc.pick({ clientKey: '', now: 0 })!;
      counts[pick.slot]!++;
      set.release(pick);
    }
    expect(counts).toEqual([100, 100, 100]);
  });

  test('work held through another worker counts for this worker too', () => {
    const set = makeSet([1, 1]);
    const other = new BackendSet(set.state, 1, set.list);
    for (let k = 0; k < 5; k++) other.take(other.get(0)!);
    const lc = createBalancer('least-connections', set);
    const picks = Array.from({ length: 5 }, () => lc.pick({ clientKey: '', now: 0 })!.slot);
    expect(picks).toEqual([1, 1, 1, 1, 1]);
  });
});
