import type { RunningBalancer } from '@lb/core';
import {
  countBy,
  eventually,
  expectIdle,
  fetchStats,
  getRequest,
  RawClient,
  startHttpBackends,
  startL7,
  type HttpBackend,
} from './helpers';

describe('the L7 health check is GET healthCheck.path expecting a status range', () => {
  let backends: HttpBackend[];
  let lb: RunningBalancer | undefined;

  beforeAll(async () => {
    backends = await startHttpBackends(2);
    // b2 answers its health path with 500; everything else is served normally.
    backends[1]!.route = (req, res) => {
      if (req.url !== '/healthz') return false;
      res.writeHead(500, { 'content-length': '0' }).end();
      return true;
    };
  });
  afterEach(async () => {
    await lb?.stop(1000);
    lb = undefined;
  });
  afterAll(async () => {
    await Promise.all(backends.map((b) => b.close()));
  });

  it('a backend failing its check is marked down and gets no requests', async () => {
    lb = await startL7({
      healthCheck: { enabled: true, intervalMs: 50, timeoutMs: 500, fall: 2, path: '/healthz' },
      backends: backends.map((b) => ({ address: b.url, id: b.id })),
    });
    const health = async () => (await fetchStats(lb!.adminPort)).backends.map((b) => b.health);
    expect(await eventually(async () => (await health())[1] === 'down')).toBe(true);
    expect(backends[0]!.requests.some((r) => r.url === '/healthz')).toBe(true);
    const client = new RawClient(lb.port);
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) {
      client.send(getRequest(`/${i}`));
      answers.push((await client.response())!.headers['x-backend-id']!);
    }
    expect(countBy(answers)).toEqual({ b1: 6 });
    client.close();
    await expectIdle(lb);
  });
});
