import type { BackendSet } from '../../src/backend';
import { ALGORITHMS, createBalancer, type Algorithm } from '../../src/balancer/index';
import { AdminState, Health } from '../../src/shared/state';
import { clientAddress, makeSet } from '../fixtures/helpers';

const NOW = 1_700_000_000_000;

/** Each way a backend (slot 1) can be out of rotation, and whether it then gets work. */
const STATES: {
  name: string;
  weights: number[];
  apply: (set: BackendSet) => void;
  gets: boolean;
}[] = [
  {
    name: 'health down',
    weights: [1, 1, 1],
    apply: (s) => s.state.store('backendHealth', 1, Health.Down),
    gets: false,
  },
  {
    name: 'disabled',
    weights: [1, 1, 1],
    apply: (s) => s.state.store('backendAdmin', 1, AdminState.Disabled),
    gets: false,
  },
  {
    name: 'draining',
    weights: [1, 1, 1],
    apply: (s) => s.state.store('backendAdmin', 1, AdminState.Draining),
    gets: false,
  },
  {
    name: 'ejected until later',
    weights: [1, 1, 1],
    apply: (s) => s.state.store64('backendEjectedUntil', 1, NOW + 1),
    gets: false,
  },
  {
    name: 'ejection ended',
    weights: [1, 1, 1],
    apply: (s) => s.state.store64('backendEjectedUntil', 1, NOW - 1),
    gets: true,
  },
  {
    name: 'ejection ends now',
    weights: [1, 1, 1],
    apply: (s) => s.state.store64('backendEjectedUntil', 1, NOW),
    gets: true,
  },
  { name: 'weight 0', weights: [1, 0, 1], apply: () => undefined, gets: false },
];

const CASES = ALGORITHMS.flatMap((algorithm) => STATES.map((s) => ({ algorithm, ...s })));

function pickMany(set: BackendSet, algorithm: Algorithm, picks: number): number[] {
  const balancer = createBalancer(algorithm, set);
  const counts = [0, 0, 0];
  for (let k = 0; k < picks; k++) {
    const b = balancer.pick({ clientKey: clientAddress(k), now: NOW });
    expect(b).not.toBeNull();
    counts[b!.slot]!++;
    set.release(b!);
  }
  return counts;
}

describe('a backend that is down, disabled, draining, ejected or weighted 0 gets no work', () => {
  test.each(CASES)(
    '$algorithm, $name: gets work = $gets',
    ({ algorithm, weights, apply, gets }) => {
      const set = makeSet(weights);
      apply(set);
      const counts = pickMany(set, algorithm, 300);
      if (gets) expect(counts[1]).toBeGreaterThan(0);
      else expect(counts[1]).toBe(0);
      expect(counts[0]).toBeGreaterThan(0);
      expect(counts[2]).toBeGreaterThan(0);
      expect([0, 1, 2].map((slot) => set.state.load('backendActive', slot))).toEqual([0, 0, 0]);
    },
  );

  test.each(ALGORITHMS)('%s: with every backend out, pick returns null', (algorithm) => {
    const set = makeSet([1, 1, 1]);
    for (const slot of [0, 1, 2]) set.state.store('backendHealth', slot, Health.Down);
    expect(createBalancer(algorithm, set).pick({ clientKey: '10.0.0.1', now: NOW })).toBeNull();
  });
});
