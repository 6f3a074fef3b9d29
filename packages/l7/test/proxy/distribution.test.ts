import type { RunningBalancer } from '@lb/core';
import {
  countBy,
  expectIdle,
  getRequest,
  RawClient,
  startHttpBackends,
  startL7,
  type HttpBackend,
} from './helpers';

/** Sends `n` GETs one after another on one keep-alive connection; returns who answered each. */
async function sequentialAnswers(port: number, n: number, extra = ''): Promise<string[]> {
  const client = new RawClient(port);
  const answers: string[] = [];
  for (let i = 0; i < n; i++) {
    client.send(getRequest(`/r${i}`, extra));
    const res = await client.response();
    expect(res?.status).toBe(200);
    answers.push(res!.headers['x-backend-id']!);
  }
  client.close();
  await client.closed;
  return answers;
}

describe('each request of a keep-alive connection is balanced on its own', () => {
  let backends: HttpBackend[];
  let lb: RunningBalancer | undefined;

  beforeAll(async () => {
    backends = await startHttpBackends(3);
  });
  afterEach(async () => {
    await lb?.stop(1000);
    lb = undefined;
  });
  afterAll(async () => {
    await Promise.all(backends.map((b) => b.close()));
  });

  const cases = [
    { algorithm: 'round-robin', workers: 1, weights: [1, 1, 1], expected: [100, 100, 100] },
    { algorithm: 'round-robin', workers: 2, weights: [1, 1, 1], expected: [100, 100, 100] },
    { algorithm: 'round-robin', workers: 1, weights: [1, 2, 3], expected: [50, 100, 150] },
    { algorithm: 'round-robin', workers: 2, weights: [1, 2, 3], expected: [50, 100, 150] },
    // Sequential requests leave every count at 0, so ties rotate; with weights the heaviest
    // backend always has the lowest (active + 1) / weight.
    { algorithm: 'least-connections', workers: 1, weights: [1, 1, 1], expected: [100, 100, 100] },
    { algorithm: 'least-connections', workers: 2, weights: [1, 1, 1], expected: [100, 100, 100] },
    { algorithm: 'least-connections', workers: 2, weights: [1, 2, 3], expected: [0, 0, 300] },
  ] as const;

  it.each(cases)(
    '300 sequential requests: $algorithm, $workers worker(s), weights $weights',
    async ({ algorithm, workers, weights, expected }) => {
      lb = await startL7({
        workers,
        algorithm,
        backends: backends.map((b, i) => ({ address: b.url, id: b.id, weight: weights[i]! })),
      });
      const answers = await sequentialAnswers(lb.port, 300);
      const counts = countBy(answers);
      expect([counts.b1 ?? 0, counts.b2 ?? 0, counts.b3 ?? 0]).toEqual([...expected]);
      const stats = await expectIdle(lb);
      expect(stats.backends.map((b) => b.total)).toEqual([...expected]);
    },
  );

  it.each([1, 2])(
    'ip hash: one client address always reaches one backend (%i workers)',
    async (workers) => {
      lb = await startL7({
        workers,
        algorithm: 'ip-hash',
        backends: backends.map((b) => ({ address: b.url, id: b.id })),
      });
      const answers = await sequentialAnswers(lb.port, 300);
      expect(Object.values(countBy(answers))).toEqual([300]);
      await expectIdle(lb);
    },
  );

  it.each([1, 2])(
    'ip hash behind a trusted proxy keys on the first untrusted X-Forwarded-For address (%i workers)',
    async (workers) => {
      lb = await startL7({
        workers,
        algorithm: 'ip-hash',
        http: { trustedProxies: ['127.0.0.1', '10.0.0.9'] },
        backends: backends.map((b) => ({ address: b.url, id: b.id })),
      });
      const clients = Array.from({ length: 30 }, (_, i) => `198.51.100.${i + 1}`);
      const first: string[] = [];
      for (const c of clients) {
        // The left-most entry is client-written and must not matter; 10.0.0.9 is trusted.
        const xff = `x-forwarded-for: 6.6.6.${first.length}, ${c}, 10.0.0.9\r\n`;
        first.push(...(await sequentialAnswers(lb.port, 1, xff)));
      }
      for (let i = 0; i < clients.length; i++) {
        const xff = `x-forwarded-for: ${clients[i]}\r\n`;
        expect(await sequentialAnswers(lb.port, 3, xff)).toEqual([first[i], first[i], first[i]]);
      }
      // 30 distinct clients land on more than one backend.
      expect(Object.keys(countBy(first)).length).toBeGreaterThan(1);
      await expectIdle(lb);
    },
  );
});
