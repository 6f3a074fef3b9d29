import type { RunningBalancer } from '@lb/core';
import {
  expectIdle,
  eventually,
  getRequest,
  openFdCount,
  RawClient,
  sleep,
  startL7,
} from './helpers';
import { startRawBackend, type RawBackend, type RawBehaviour } from './raw-backend';

/** A seeded generator, so a failing run can be repeated. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('1000 requests with client aborts and backend resets, stalls and cut bodies', () => {
  let backends: RawBackend[];
  let lb: RunningBalancer;

  beforeAll(async () => {
    backends = await Promise.all(['b1', 'b2', 'b3'].map((id) => startRawBackend(id)));
  });
  afterAll(async () => {
    await lb?.stop(1000);
    await Promise.all(backends.map((b) => b.close()));
  });

  it.each([1, 2])(
    'every permit and counter returns to 0, fds to baseline (%i workers)',
    async (workers) => {
      const random = lcg(workers * 7919);
      const behaviours: RawBehaviour[] = ['ok', 'ok', 'ok', 'ok', 'reset', 'stall', 'partial'];
      for (const b of backends)
        b.behaviour = () => behaviours[Math.floor(random() * behaviours.length)]!;
      lb = await startL7({
        workers,
        maxConnections: 20,
        queueTimeoutMs: 2000,
        // Idle pooled connections hold fds; retire them quickly so the count can settle.
        http: { responseTimeoutMs: 200, backendKeepAliveMs: 300 },
        passive: { maxFailures: 0 },
        backends: backends.map((b) => ({ address: b.url, id: b.id })),
      });
      await sleep(100);
      const baseline = openFdCount();

      // 1000 requests, 50 at a time; a quarter of the clients hang up at a random moment.
      const outcomes: Record<string, number> = {};
      for (let batch = 0; batch < 20; batch++) {
        await Promise.all(
          Array.from({ length: 50 }, async () => {
            const client = new RawClient(lb.port);
            client.send(getRequest('/f'));
            if (random() < 0.25) {
              await sleep(Math.floor(random() * 20));
              client.close();
              outcomes.aborted = (outcomes.aborted ?? 0) + 1;
              return;
            }
            const res = await client.response('GET', 5000).catch(() => null);
            const key = res === null ? 'cut' : String(res.status);
            outcomes[key] = (outcomes[key] ?? 0) + 1;
            client.close();
          }),
        );
      }
      // Only these outcomes are allowed: a whole answer, a gateway error, or a cut connection.
      expect(
        Object.keys(outcomes).filter((k) => !['200', '502', '504', 'cut', 'aborted'].includes(k)),
      ).toEqual([]);
      expect(outcomes['200']).toBeGreaterThan(300);

      await expectIdle(lb);
      expect(await eventually(() => openFdCount() <= baseline, 5000)).toBe(true);
      const client = new RawClient(lb.port);
      backends.forEach((b) => (b.behaviour = () => 'ok'));
      client.send(getRequest('/alive'));
      expect((await client.response())?.status).toBe(200);
      client.close();
      await lb.stop(1000);
    },
    60_000,
  );
});
