import { createServer } from 'node:net';
import type { RunningBalancer } from '@lb/core';
import {
  eventually,
  expectIdle,
  fetchStats,
  openClient,
  openFdCount,
  startBackends,
  startL4,
  type Client,
} from './helpers';

/** A small deterministic generator (mulberry32) so a failing run can be replayed. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('nothing is lost or leaked when clients abort and backends fail', () => {
  it('1000 connections with random client aborts, backend resets, stalls and refusals', async () => {
    const random = seeded(20261204);
    const backends = await startBackends(3);
    const refused = await closedPort();
    const lb = await startL4({
      workers: 2,
      maxConnections: 20,
      queueTimeoutMs: 2000,
      timeouts: { connectMs: 500, idleMs: 300 },
      passive: { maxFailures: 0 },
      backends: [
        ...backends.map((b) => ({ address: b.address, id: b.id })),
        { address: `127.0.0.1:${refused}`, id: 'refused' },
      ],
    });
    const baseline = openFdCount();

    let done = 0;
    const one = async (): Promise<void> => {
      backends[1]!.mode = random() < 0.5 ? 'reset' : 'echo';
      backends[2]!.mode = random() < 0.3 ? 'silent' : 'echo';
      const client: Client = openClient(lb.port);
      const action = random();
      const delay = Math.floor(random() * 15);
      if (action < 0.25) setTimeout(() => client.socket.resetAndDestroy(), delay);
      else if (action < 0.5) setTimeout(() => client.socket.destroy(), delay);
      else if (action < 0.75)
        client.socket.write('ping\n', () => setTimeout(() => client.socket.end(), delay));
      else void client.backendId.then(() => client.socket.end());
      await client.closed;
      done++;
    };
    for (let batch = 0; batch < 20; batch++) await Promise.all(Array.from({ length: 50 }, one));
    expect(done).toBe(1000);

    await expectIdle(lb);
    expect(await eventually(() => openFdCount() <= baseline)).toBe(true);
    const stats = await fetchStats(lb.adminPort);
    expect(stats.connectionsTotal).toBe(1000);
    expect(stats.workers.every((w) => w.alive)).toBe(true);
    expect(stats.backends.find((b) => b.id === 'refused')!.failures).toBeGreaterThan(0);

    // Still serving afterwards.
    backends[1]!.mode = 'echo';
    backends[2]!.mode = 'echo';
    const after = openClient(lb.port);
    expect(await after.backendId).toMatch(/^b[123]$/);
    after.socket.end();
    await after.closed;
    await lb.stop(1000);
    await Promise.all(backends.map((b) => b.close()));
  });
});

describe('a worker thread killed under load', () => {
  let lb: RunningBalancer;

  it('is restarted, and its permits and backend counts are reclaimed', async () => {
    const backends = await startBackends(2);
    lb = await startL4({
      workers: 2,
      dispatch: 'handoff',
      maxConnections: 6,
      queueTimeoutMs: 10000,
      backends: backends.map((b) => ({ address: b.address, id: b.id })),
    });
    const clients = Array.from({ length: 10 }, () => openClient(lb.port));
    await eventually(async () => (await fetchStats(lb.adminPort)).queue.total === 4);
    const before = await fetchStats(lb.adminPort);
    expect(before.permits.inUse).toBe(6);
    const victim = before.workers.find((w) => w.permits > 0)!.index;

    const exited = lb.supervisor.nextExit();
    await lb.supervisor.thread(victim)!.terminate();
    await exited;
    expect(
      await eventually(async () => (await fetchStats(lb.adminPort)).workers.every((w) => w.alive)),
    ).toBe(true);

    // The survivors' waiters take the reclaimed permits; then everyone leaves.
    const alive = clients.filter((c) => !c.socket.destroyed);
    for (const c of alive) void c.backendId.then(() => c.socket.end());
    await Promise.all(clients.map((c) => c.closed));
    const stats = await expectIdle(lb);
    expect(stats.workers[victim]!.restarts).toBe(1);

    const fresh = openClient(lb.port);
    expect(await fresh.backendId).toMatch(/^b[12]$/);
    fresh.socket.end();
    await fresh.closed;
    await expectIdle(lb);
    await lb.stop(1000);
    await Promise.all(backends.map((b) => b.close()));
  });
});
