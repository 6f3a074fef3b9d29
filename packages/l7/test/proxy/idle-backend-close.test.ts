import type { RunningBalancer } from '@lb/core';
import { countBy, expectIdle, getRequest, RawClient, sleep, startL7 } from './helpers';
import { startRawBackend, type RawBackend } from './raw-backend';

/**
 * The backend closes keep-alive connections idle for 1 s and does not announce it; requests
 * come every second, so some are written into a connection the backend is closing. The issue
 * asks for 30 s of this; CI runs 10 s (about 30 races) to stay bounded, and
 * `L7_IDLE_RACE_MS=30000` runs the full length.
 */
const DURATION_MS = Math.min(Number(process.env.L7_IDLE_RACE_MS) || 10_000, 60_000);

describe('pooled connections closed by the backend while idle', () => {
  let backends: RawBackend[];
  let lb: RunningBalancer;

  beforeAll(async () => {
    backends = await Promise.all([startRawBackend('b1', 1000), startRawBackend('b2', 1000)]);
    lb = await startL7({
      workers: 2,
      backends: backends.map((b) => ({ address: b.url, id: b.id })),
    });
  });
  afterAll(async () => {
    await lb.stop(1000);
    await Promise.all(backends.map((b) => b.close()));
  });

  it(
    `GETs every second for ${DURATION_MS / 1000} s get no 5xx`,
    async () => {
      const clients = Array.from({ length: 3 }, () => new RawClient(lb.port));
      const statuses: number[] = [];
      const started = Date.now();
      for (let round = 0; Date.now() - started < DURATION_MS && round < 60; round++) {
        for (const c of clients) c.send(getRequest(`/r${round}`));
        for (const c of clients) statuses.push((await c.response())?.status ?? 0);
        await sleep(1000 - ((Date.now() - started) % 1000));
      }
      expect(countBy(statuses.map(String))).toEqual({ 200: statuses.length });
      for (const c of clients) c.close();
      await expectIdle(lb);
    },
    DURATION_MS + 20_000,
  );
});
