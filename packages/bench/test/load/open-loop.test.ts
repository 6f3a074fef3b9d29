import net from 'node:net';
import { startNodeBackend } from '../../src/backends/node-backend';
import { LoadGenerator, LoadOutcome, LoadPlan } from '../../src/load/load-generator';

// Counts only: no latency or duration is asserted, so a slow CI box cannot fail these.
describe('open-loop load generator', () => {
  const servers: net.Server[] = [];
  let ports: number[];
  let generator: LoadGenerator;

  beforeAll(async () => {
    for (const id of ['b1', 'b2', 'b3']) {
      servers.push(await startNodeBackend({ id, delay: { minMs: 30, maxMs: 30 } }, 0));
    }
    ports = servers.map((server) => (server.address() as net.AddressInfo).port);
    generator = new LoadGenerator(2);
  });

  afterAll(async () => {
    await generator.close();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  // 0.5 s of warm-up, then a 1 s measured window.
  function run(plan: Omit<LoadPlan, 'window' | 'requestTimeoutMs'>): Promise<LoadOutcome> {
    const startAt = Date.now() + 50;
    const measureFrom = startAt + 500;
    const window = { startAt, measureFrom, endAt: measureFrom + 1000 };
    return generator.run({ ...plan, window, requestTimeoutMs: 5000 });
  }

  function expectAllAnswered(outcome: LoadOutcome, scheduled: number): void {
    expect(outcome.openLoop).toMatchObject({ scheduled, unfinished: 0 });
    expect(outcome.errorKinds).toEqual({});
    expect(outcome.requests).toBe(scheduled);
  }

  it.each([['keep-alive' as const], ['close' as const]])(
    'schedules exactly rate x duration requests over %s connections and answers them all',
    async (connection) => {
      const outcome = await run({ ports, rate: 200, concurrency: 50, path: '/fast', connection });
      expectAllAnswered(outcome, 200);
      // The window holds requests 100-299 of the run; each thread sends its n-th request to port
      // n mod 3, so the split is fixed by the schedule, not by timing.
      expect(outcome.backends).toEqual({ b1: 66, b2: 66, b3: 68 });
    },
  );

  it('queues a request that finds every connection busy and counts it as late', async () => {
    // One port, one connection per thread, a request due every 20 ms per thread and 30 ms to
    // answer each: the second request of a thread already finds its connection busy.
    const outcome = await run({
      ports: ports.slice(0, 1),
      rate: 100,
      concurrency: 2,
      path: '/',
      connection: 'keep-alive',
    });
    expectAllAnswered(outcome, 100);
    expect(outcome.openLoop!.late).toBeGreaterThan(0);
  });
});
