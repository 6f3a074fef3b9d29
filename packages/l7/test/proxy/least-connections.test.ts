import { AdminState, type RunningBalancer } from '@lb/core';
import {
  countBy,
  eventually,
  expectIdle,
  getRequest,
  RawClient,
  startHttpBackends,
  startL7,
  type HttpBackend,
} from './helpers';

describe('least connections counts requests in flight, not client connections', () => {
  let backends: HttpBackend[];
  let lb: RunningBalancer | undefined;

  beforeAll(async () => {
    backends = await startHttpBackends(3);
    for (const b of backends) {
      b.route = (req, res) => {
        if (req.url !== '/hold') return false;
        setTimeout(() => res.end('held'), 1500).unref();
        return true;
      };
    }
  });
  afterEach(async () => {
    await lb?.stop(1000);
    lb = undefined;
  });
  afterAll(async () => {
    await Promise.all(backends.map((b) => b.close()));
  });

  it.each([1, 2])(
    '3 requests held on b1: the next 6 go to b2 and b3 only (%i workers)',
    async (workers) => {
      lb = await startL7({
        workers,
        algorithm: 'least-connections',
        backends: backends.map((b) => ({ address: b.url, id: b.id })),
      });
      const setAdmin = (slot: number, value: number) =>
        lb!.supervisor.state.store('backendAdmin', slot, value);

      // Only b1 is enabled while the three slow requests start.
      setAdmin(1, AdminState.Disabled);
      setAdmin(2, AdminState.Disabled);
      const holders = Array.from({ length: 3 }, () => new RawClient(lb!.port));
      for (const c of holders) c.send(getRequest('/hold'));
      expect(await eventually(() => backends[0]!.current === 3)).toBe(true);
      setAdmin(1, AdminState.Enabled);
      setAdmin(2, AdminState.Enabled);

      // One keep-alive connection, six quick requests: b1 is busiest, so it gets none of them.
      const client = new RawClient(lb.port);
      const answers: string[] = [];
      for (let i = 0; i < 6; i++) {
        client.send(getRequest(`/q${i}`));
        answers.push((await client.response())!.headers['x-backend-id']!);
      }
      // Ties between b2 and b3 (both at 0 between requests) rotate from a per-worker start.
      expect(Object.keys(countBy(answers)).sort()).toEqual(['b2', 'b3']);
      for (const c of holders) expect((await c.response())?.body).toBe('held');
      for (const c of [client, ...holders]) c.close();
      await expectIdle(lb);
    },
  );
});
