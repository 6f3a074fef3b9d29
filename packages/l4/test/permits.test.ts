import type { RunningBalancer } from '@lb/core';
import {
  eventually,
  expectIdle,
  fetchStats,
  openClient,
  startBackends,
  startL4,
  type Client,
  type Concurrency,
  type TestBackend,
} from './helpers';

const currentOf = (backends: TestBackend[]) => backends.reduce((sum, b) => sum + b.current, 0);

describe('maxConnections caps connections across all workers', () => {
  let backends: TestBackend[];
  let all: Concurrency;
  let lb: RunningBalancer | undefined;

  beforeEach(async () => {
    all = { current: 0, peak: 0 };
    backends = await startBackends(3, all);
  });
  afterEach(async () => {
    await lb?.stop(1000);
    lb = undefined;
    await Promise.all(backends.map((b) => b.close()));
  });

  it.each([1, 2])(
    '20 long clients, 5 permits: backends never hold more than 5; the rest wait their turn (%i workers)',
    async (workers) => {
      lb = await startL4({
        workers,
        maxConnections: 5,
        queueTimeoutMs: 30000,
        backends: backends.map((b) => ({ address: b.address, id: b.id })),
      });
      const clients: Client[] = Array.from({ length: 20 }, () => openClient(lb!.port));
      await eventually(async () => (await fetchStats(lb!.adminPort)).queue.total === 15);
      const stats = await fetchStats(lb.adminPort);
      expect(stats.permits.inUse).toBe(5);
      expect(stats.queue.byClass.normal).toBe(15);
      expect(await eventually(() => currentOf(backends) === 5)).toBe(true);
      // The backends hold 5; their greetings may still be on the way to the clients.
      const greeted = () => clients.filter((c) => c.received().startsWith('id:')).length;
      expect(await eventually(() => greeted() === 5)).toBe(true);

      // Close them one at a time: each close lets exactly one waiter through.
      for (let i = 0; i < 20; i++) {
        const served = clients.filter((c) => c.received().startsWith('id:') && !c.socket.destroyed);
        const victim = served[0]!;
        victim.socket.end();
        await victim.closed;
        if (i < 15)
          expect(
            await eventually(
              () => clients.filter((c) => c.received().startsWith('id:')).length === 6 + i,
            ),
          ).toBe(true);
      }
      expect(all.peak).toBe(5);
      await expectIdle(lb);
    },
  );

  it('a waiter past the queue timeout is closed without reaching a backend', async () => {
    lb = await startL4({
      maxConnections: 1,
      queueTimeoutMs: 200,
      backends: [backends[0]!.address],
    });
    const holder = openClient(lb.port);
    expect(await holder.backendId).toBe('b1');
    const waiter = openClient(lb.port);
    expect(await waiter.closed).toBe('');
    expect(backends[0]!.total).toBe(1);
    expect((await fetchStats(lb.adminPort)).queue.timeouts).toBe(1);
    holder.socket.end();
    await holder.closed;
    await expectIdle(lb);
  });

  it('maxQueue overflow closes the newcomer at once', async () => {
    lb = await startL4({
      maxConnections: 1,
      maxQueue: 2,
      queueTimeoutMs: 30000,
      backends: [backends[0]!.address],
    });
    const holder = openClient(lb.port);
    await holder.backendId;
    const queued = [openClient(lb.port), openClient(lb.port)];
    await eventually(async () => (await fetchStats(lb!.adminPort)).queue.total === 2);
    const extra = openClient(lb.port);
    expect(await extra.closed).toBe('');
    const stats = await fetchStats(lb.adminPort);
    expect(stats.queue.overflows).toBe(1);
    expect(stats.queue.total).toBe(2);

    holder.socket.end();
    expect(await queued[0]!.backendId).toBe('b1');
    queued[0]!.socket.end();
    expect(await queued[1]!.backendId).toBe('b1');
    queued[1]!.socket.end();
    await Promise.all([holder.closed, ...queued.map((q) => q.closed)]);
    expect(backends[0]!.total).toBe(3);
    await expectIdle(lb);
  });

  // A reset is a client that left. A FIN alone may be a half-close (request sent, reply awaited),
  // so, as in HAProxy without abortonclose, it keeps its place; the queue timeout bounds it.
  it('a client that resets while queued leaves the queue and never reaches a backend', async () => {
    lb = await startL4({
      maxConnections: 1,
      queueTimeoutMs: 30000,
      backends: [backends[0]!.address],
    });
    const holder = openClient(lb.port);
    await holder.backendId;
    const leaver = openClient(lb.port);
    await eventually(async () => (await fetchStats(lb!.adminPort)).queue.total === 1);
    leaver.socket.resetAndDestroy();
    expect(await eventually(async () => (await fetchStats(lb!.adminPort)).queue.total === 0)).toBe(
      true,
    );
    holder.socket.end();
    await holder.closed;
    await expectIdle(lb);
    expect(backends[0]!.total).toBe(1);
  });
});

describe('the cap and the counters hold globally under load', () => {
  it.each([2, 4])(
    'WORKERS=%i: sum of backend active equals open proxied connections, and never above the cap',
    async (workers) => {
      const all = { current: 0, peak: 0 };
      const backends = await startBackends(3, all);
      const lb = await startL4({
        workers,
        maxConnections: 10,
        queueTimeoutMs: 30000,
        backends: backends.map((b) => ({ address: b.address, id: b.id })),
      });
      const clients: Client[] = Array.from({ length: 40 }, () => openClient(lb.port));
      // After each close, one waiter moves in. Once the move settles, /stats must agree with what
      // the backends hold; a leaked or missed count would never agree.
      for (let closed = 0; closed < 40; closed++) {
        const open = Math.min(10, 40 - closed);
        const agrees = async () => {
          const stats = await fetchStats(lb.adminPort);
          const active = stats.backends.reduce((s, b) => s + b.active, 0);
          return currentOf(backends) === open && active === open && stats.permits.inUse === open;
        };
        expect(await eventually(agrees)).toBe(true);
        const served = clients.find(
          (c) => c.received().startsWith('id:') && !c.socket.writableEnded,
        )!;
        served.socket.end();
        await served.closed;
      }
      expect(all.peak).toBe(10);
      expect(backends.reduce((s, b) => s + b.total, 0)).toBe(40);
      await expectIdle(lb);
      await lb.stop(1000);
      await Promise.all(backends.map((b) => b.close()));
    },
  );
});

describe('a backend at its maxConnections', () => {
  let backends: TestBackend[];
  let lb: RunningBalancer | undefined;

  beforeEach(async () => {
    backends = await startBackends(1);
  });
  afterEach(async () => {
    if (lb) await expectIdle(lb);
    await lb?.stop(1000);
    lb = undefined;
    await Promise.all(backends.map((b) => b.close()));
  });

  it.each([1, 2])(
    'connections wait for room instead of being closed (%i workers)',
    async (workers) => {
      lb = await startL4({
        workers,
        backends: [{ address: backends[0]!.address, id: 'b1', maxConnections: 1 }],
      });
      const clients = [0, 1, 2].map(() => openClient(lb!.port));
      for (const [i, c] of clients.entries()) c.socket.write(`hello ${i}\n`);
      // One at a time: the served client ends, the next one gets the backend.
      for (let served = 1; served <= 3; served++) {
        expect(
          await eventually(
            () => clients.filter((c) => c.received().includes('hello')).length === served,
          ),
        ).toBe(true);
        expect(backends[0]!.current).toBe(1);
        const active = clients.find(
          (c) => c.received().includes('hello') && !c.socket.writableEnded,
        )!;
        active.socket.end();
        await active.closed;
      }
      for (const [i, c] of clients.entries()) expect(c.received()).toBe(`id:b1\nhello ${i}\n`);
      expect(backends[0]!.peak).toBe(1);
    },
  );

  it('a wait longer than queueTimeoutMs closes the connection unanswered', async () => {
    lb = await startL4({
      queueTimeoutMs: 300,
      backends: [{ address: backends[0]!.address, id: 'b1', maxConnections: 1 }],
    });
    const holder = openClient(lb.port);
    expect(await holder.backendId).toBe('b1');
    const waiter = openClient(lb.port);
    expect(await waiter.closed).toBe('');
    expect(backends[0]!.total).toBe(1);
    holder.socket.end();
    await holder.closed;
  });
});
