import type { RunningBalancer } from '@lb/core';
import {
  countBy,
  eventually,
  expectIdle,
  fetchStats,
  getRequest,
  RawClient,
  sleep,
  startHttpBackends,
  startL7,
  type HttpBackend,
} from './helpers';

/** Every backend answers /slow after `ms`. */
function slowDown(backends: HttpBackend[], ms: number): void {
  for (const b of backends) {
    b.route = (req, res) => {
      if (!req.url!.startsWith('/slow')) return false;
      setTimeout(() => res.end(`${b.id} slow`), ms);
      return true;
    };
  }
}

describe('permits count requests in flight, across workers', () => {
  let backends: HttpBackend[];
  let lb: RunningBalancer | undefined;

  beforeEach(async () => {
    backends = await startHttpBackends(3);
  });
  afterEach(async () => {
    await lb?.stop(1000);
    lb = undefined;
    await Promise.all(backends.map((b) => b.close()));
  });

  it.each([1, 2])(
    'maxConnections 2, 20 clients, slow backends: never more than 2 at the backends (%i workers)',
    async (workers) => {
      slowDown(backends, 100);
      lb = await startL7({
        workers,
        maxConnections: 2,
        queueTimeoutMs: 10000,
        backends: backends.map((b) => ({ address: b.url, id: b.id })),
      });
      let atOnce = 0;
      let peak = 0;
      for (const b of backends) {
        b.server.on('request', (_req, res) => {
          peak = Math.max(peak, ++atOnce);
          res.once('close', () => atOnce--);
        });
      }
      const clients = Array.from({ length: 20 }, () => new RawClient(lb!.port));
      for (const c of clients) c.send(getRequest('/slow'));
      const statuses = await Promise.all(clients.map(async (c) => (await c.response())?.status));
      expect(countBy(statuses.map(String))).toEqual({ 200: 20 });
      expect(peak).toBe(2);
      // The clients stay connected, idle: they hold no permit.
      const stats = await expectIdle(lb, false);
      expect(stats.workers.reduce((n, w) => n + w.connections, 0)).toBe(20);
      for (const c of clients) c.close();
      await expectIdle(lb);
    },
  );

  it('queue timeout: 503 LB_ERR_QUEUE_TIMEOUT with Retry-After', async () => {
    slowDown(backends, 1000);
    lb = await startL7({
      maxConnections: 1,
      queueTimeoutMs: 200,
      backends: backends.map((b) => ({ address: b.url, id: b.id })),
    });
    const first = new RawClient(lb.port);
    first.send(getRequest('/slow'));
    await eventually(() => backends.some((b) => b.current === 1));
    const second = new RawClient(lb.port);
    second.send(getRequest('/fast'));
    const res = await second.response();
    expect([res?.status, res?.headers['x-lb-error'], res?.headers['retry-after']]).toEqual([
      503,
      'LB_ERR_QUEUE_TIMEOUT',
      '1',
    ]);
    expect((await first.response())?.status).toBe(200);
    first.close();
    second.close();
    await expectIdle(lb);
  });

  it('a client that leaves while queued: nothing reaches a backend, its place is freed', async () => {
    slowDown(backends, 300);
    lb = await startL7({
      maxConnections: 1,
      queueTimeoutMs: 10000,
      backends: backends.map((b) => ({ address: b.url, id: b.id })),
    });
    const first = new RawClient(lb.port);
    first.send(getRequest('/slow'));
    await eventually(() => backends.some((b) => b.current === 1));
    const leaver = new RawClient(lb.port);
    leaver.send(getRequest('/never'));
    await eventually(async () => (await fetchStats(lb!.adminPort)).queue.total === 1);
    leaver.close();
    await eventually(async () => (await fetchStats(lb!.adminPort)).queue.total === 0);
    expect((await first.response())?.status).toBe(200);
    await sleep(100);
    expect(backends.flatMap((b) => b.requests.map((r) => r.url))).toEqual(['/slow']);
    first.close();
    await expectIdle(lb);
  });

  it('maxClientConnections counts across workers (2 workers, cap 3)', async () => {
    lb = await startL7({
      workers: 2,
      http: { maxClientConnections: 3 },
      backends: backends.map((b) => ({ address: b.url, id: b.id })),
    });
    const open = async () =>
      (await fetchStats(lb!.adminPort)).workers.reduce((n, w) => n + w.connections, 0);
    const held = [1, 2, 3].map(() => new RawClient(lb!.port));
    expect(await eventually(async () => (await open()) === 3)).toBe(true);
    for (let i = 0; i < 4; i++) {
      const extra = new RawClient(lb.port);
      const res = await extra.response();
      expect([res?.status, res?.headers['x-lb-error']]).toEqual([
        503,
        'LB_ERR_TOO_MANY_CONNECTIONS',
      ]);
      await extra.closed;
    }
    held[0]!.close();
    expect(await eventually(async () => (await open()) === 2)).toBe(true);
    const next = new RawClient(lb.port);
    next.send(getRequest('/after'));
    expect((await next.response())?.status).toBe(200);
    next.close();
    for (const c of held.slice(1)) c.close();
    await expectIdle(lb);
  });

  it.each(['shared', 'handoff'] as const)(
    'maxClientConnections is exact under a burst (%s dispatch, 2 workers, cap 5 of 8)',
    async (dispatch) => {
      lb = await startL7({
        workers: 2,
        dispatch,
        http: { maxClientConnections: 5 },
        backends: backends.map((b) => ({ address: b.url, id: b.id })),
      });
      const clients = Array.from({ length: 8 }, () => new RawClient(lb!.port));
      await sleep(300);
      clients.forEach((c, i) => c.send(getRequest(`/burst/${i}`)));
      const statuses = (await Promise.all(clients.map((c) => c.response()))).map((r) => r?.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(5);
      expect(statuses.filter((s) => s === 503)).toHaveLength(3);
      for (const c of clients) c.close();
      // Refused sockets are let go as soon as their clients close: a newcomer is admitted.
      await Promise.all(clients.map((c) => c.closed));
      await sleep(100);
      const next = new RawClient(lb.port);
      next.send(getRequest('/after'));
      expect((await next.response())?.status).toBe(200);
      next.close();
      await expectIdle(lb);
    },
  );

  it('maxClientConnections: the connection over the cap gets 503 and is closed', async () => {
    lb = await startL7({
      http: { maxClientConnections: 2 },
      backends: backends.map((b) => ({ address: b.url, id: b.id })),
    });
    const held = [new RawClient(lb.port), new RawClient(lb.port)];
    await eventually(async () => (await fetchStats(lb!.adminPort)).workers[0]!.connections === 2);
    const extra = new RawClient(lb.port);
    const res = await extra.response();
    expect([res?.status, res?.headers['x-lb-error']]).toEqual([503, 'LB_ERR_TOO_MANY_CONNECTIONS']);
    await extra.closed;
    for (const c of held) c.close();
    await expectIdle(lb);
  });
});
