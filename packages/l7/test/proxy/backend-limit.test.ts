import type { RunningBalancer } from '@lb/core';
import {
  eventually,
  expectIdle,
  getRequest,
  RawClient,
  sleep,
  startHttpBackend,
  startL7,
  type HttpBackend,
} from './helpers';

// `backends[].maxConnections` caps the requests one backend has in flight, across workers. A
// request that finds every backend full waits for room (holding its permit) up to
// `queueTimeoutMs`, like a server queue in HAProxy, instead of failing at once.

describe('a backend at its maxConnections', () => {
  let backend: HttpBackend;
  let lb: RunningBalancer | undefined;

  beforeAll(async () => {
    backend = await startHttpBackend('b1');
    backend.route = (req, res) => {
      const match = /^\/slow\/(\d+)/.exec(req.url ?? '');
      if (match === null) return false;
      setTimeout(() => res.end(`slow ${req.url}`), Number(match[1]));
      return true;
    };
  });
  afterEach(async () => {
    if (lb) await expectIdle(lb);
    await lb?.stop(1000);
    lb = undefined;
    backend.requests.length = 0;
    backend.peak = 0;
  });
  afterAll(() => backend.close());

  const start = (workers: number, queueTimeoutMs = 5000) =>
    startL7({
      workers,
      queueTimeoutMs,
      backends: [{ address: backend.url, id: 'b1', maxConnections: 1 }],
    });

  it.each([1, 2])('requests wait their turn instead of failing (%i workers)', async (workers) => {
    lb = await start(workers);
    const clients = [0, 1, 2, 3].map(() => new RawClient(lb!.port));
    clients.forEach((c, i) => c.send(getRequest(`/slow/150?${i}`)));
    const answers = await Promise.all(clients.map((c) => c.response()));
    expect(answers.map((a) => a?.status)).toEqual([200, 200, 200, 200]);
    expect(answers.map((a) => a?.body).sort()).toEqual([
      'slow /slow/150?0',
      'slow /slow/150?1',
      'slow /slow/150?2',
      'slow /slow/150?3',
    ]);
    expect(backend.peak).toBe(1);
    clients.forEach((c) => c.close());
  });

  it('a wait longer than queueTimeoutMs gets 503 with Retry-After', async () => {
    lb = await start(1, 300);
    const holder = new RawClient(lb.port);
    holder.send(getRequest('/slow/1500'));
    expect(await eventually(() => backend.current === 1)).toBe(true);
    const waiter = new RawClient(lb.port);
    waiter.send(getRequest('/never'));
    const refused = await waiter.response();
    expect(refused?.status).toBe(503);
    expect(refused?.headers['x-lb-error']).toBe('LB_ERR_BACKENDS_FULL');
    expect(refused?.headers['retry-after']).toBeDefined();
    expect((await holder.response())?.status).toBe(200);
    expect(backend.requests.map((r) => r.url)).toEqual(['/slow/1500']);
    holder.close();
    waiter.close();
  });

  it('a client that leaves while waiting is never sent on', async () => {
    lb = await start(1);
    const holder = new RawClient(lb.port);
    holder.send(getRequest('/slow/400'));
    expect(await eventually(() => backend.current === 1)).toBe(true);
    const leaver = new RawClient(lb.port);
    leaver.send(getRequest('/left'));
    await sleep(100);
    leaver.close();
    expect((await holder.response())?.status).toBe(200);
    await sleep(200);
    expect(backend.requests.map((r) => r.url)).toEqual(['/slow/400']);
    holder.close();
  });
});
