import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BackendSet } from '../../src/backend';
import { createBalancer, normaliseAddress, type Balancer } from '../../src/balancer/index';
import { Health, SharedState } from '../../src/shared/state';
import { clientAddress, makeBackends, makeSet, testDims } from '../fixtures/helpers';

const KEYS = Array.from({ length: 1000 }, (_, i) => clientAddress(i));

/** Picks and releases at once: the id each key maps to. */
function mapKeys(set: BackendSet, balancer: Balancer, keys: readonly string[]): string[] {
  return keys.map((clientKey) => {
    const b = balancer.pick({ clientKey, now: 0 })!;
    set.release(b);
    return b.id;
  });
}

function tally(ids: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of ids) out[id] = (out[id] ?? 0) + 1;
  return out;
}

describe('ip hash sends each client to the same backend', () => {
  test('the same key gets the same backend on every pick', () => {
    const set = makeSet([1, 1, 1, 1]);
    const ih = createBalancer('ip-hash', set);
    for (const key of KEYS.slice(0, 50)) {
      const first = mapKeys(set, ih, [key])[0];
      expect(mapKeys(set, ih, new Array(20).fill(key))).toEqual(new Array(20).fill(first));
    }
  });

  test.each([
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['::ffff:192.168.0.77', '192.168.0.77'],
  ])('IPv4-mapped %s hashes like %s', (mapped, plain) => {
    expect(normaliseAddress(mapped)).toBe(plain);
    const set = makeSet([1, 1, 1, 1]);
    const ih = createBalancer('ip-hash', set);
    const fromMapped = KEYS.map((k) => mapKeys(set, ih, [normaliseAddress(`::ffff:${k}`)])[0]);
    expect(fromMapped).toEqual(mapKeys(set, ih, KEYS));
  });

  test.each([
    ['::1', '::1'],
    ['2001:db8::1', '2001:db8::1'],
    ['', ''],
  ])('a real IPv6 address %j is kept as it is', (address, expected) => {
    expect(normaliseAddress(address)).toBe(expected);
  });

  test('clients spread over equal backends', () => {
    const set = makeSet([1, 1, 1, 1]);
    const counts = tally(mapKeys(set, createBalancer('ip-hash', set), KEYS));
    for (const id of ['b0', 'b1', 'b2', 'b3']) {
      expect(counts[id]).toBeGreaterThan(200);
      expect(counts[id]).toBeLessThan(300);
    }
  });
});

describe('ip hash is consistent: removing a backend moves only its own clients', () => {
  test.each([0, 1, 2, 3])('marking b%i down of 4 moves exactly the keys it had', (down) => {
    const set = makeSet([1, 1, 1, 1]);
    const ih = createBalancer('ip-hash', set);
    const before = mapKeys(set, ih, KEYS);
    set.state.store('backendHealth', down, Health.Down);
    const after = mapKeys(set, ih, KEYS);

    const moved = KEYS.filter((_, i) => before[i] !== after[i]).length;
    const onDown = before.filter((id) => id === `b${down}`).length;
    expect(moved).toBe(onDown);
    KEYS.forEach((_, i) => {
      if (before[i] === `b${down}`) expect(after[i]).not.toBe(`b${down}`);
      else expect(after[i]).toBe(before[i]);
    });

    // The moved clients spread over all three that remain.
    const movedTo = tally(after.filter((_, i) => before[i] === `b${down}`));
    expect(Object.keys(movedTo).sort()).toHaveLength(3);
    for (const n of Object.values(movedTo)) expect(n).toBeGreaterThan(onDown / 6);
  });

  test('bringing the backend back restores the original mapping', () => {
    const set = makeSet([1, 1, 1, 1]);
    const ih = createBalancer('ip-hash', set);
    const before = mapKeys(set, ih, KEYS);
    set.state.store('backendHealth', 2, Health.Down);
    mapKeys(set, ih, KEYS);
    set.state.store('backendHealth', 2, Health.Up);
    expect(mapKeys(set, ih, KEYS)).toEqual(before);
  });

  test('a full winner hands its client to the same runner-up every time', () => {
    const set = makeSet([1, 1, 1, 1], [1, 0, 0, 0]);
    const ih = createBalancer('ip-hash', set);
    const key = KEYS.find((k) => mapKeys(set, ih, [k])[0] === 'b0')!;
    const holder = ih.pick({ clientKey: key, now: 0 })!;
    const spill = mapKeys(set, ih, new Array(10).fill(key));
    expect(holder.id).toBe('b0');
    expect(new Set(spill).size).toBe(1);
    expect(spill[0]).not.toBe('b0');
    set.release(holder);
  });
});

describe('weighted ip hash follows the weights', () => {
  test.each([{ weights: [1, 2, 3, 4] }, { weights: [1, 1, 2] }, { weights: [5, 1] }])(
    'weights $weights over 10000 clients',
    ({ weights }) => {
      const set = makeSet(weights);
      const keys = Array.from({ length: 10000 }, (_, i) => clientAddress(i));
      const counts = tally(mapKeys(set, createBalancer('ip-hash', set), keys));
      const total = weights.reduce((a, b) => a + b, 0);
      weights.forEach((w, slot) => {
        const share = (counts[`b${slot}`] ?? 0) / keys.length;
        expect(Math.abs(share - w / total)).toBeLessThan(0.03);
      });
    },
  );
});

describe('two balancers with the same backends agree on every client', () => {
  test('two independent shared states in one process', () => {
    const sets = [0, 1].map(() => makeSet([1, 1, 1, 1]));
    const [a, b] = sets.map((s) => mapKeys(s, createBalancer('ip-hash', s), KEYS));
    expect(a).toEqual(b);
  });

  test('two workers over one shared state, backends listed in another order', () => {
    const state = SharedState.create(testDims(), 10);
    const list = makeBackends([1, 1, 1, 1]);
    const first = new BackendSet(state, 0, list);
    const second = new BackendSet(state, 1, [...list].reverse());
    expect(mapKeys(second, createBalancer('ip-hash', second), KEYS)).toEqual(
      mapKeys(first, createBalancer('ip-hash', first), KEYS),
    );
  });

  test('a separate Node process computes the same 1000 picks', () => {
    const script = join(__dirname, '..', 'fixtures', 'ip-hash-picks.ts');
    const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', script, '1000'], {
      encoding: 'utf8',
      timeout: 30000,
    });
    const set = makeSet([1, 1, 1, 1]);
    expect(JSON.parse(out)).toEqual(mapKeys(set, createBalancer('ip-hash', set), KEYS));
  });
});
