// Checks every balancer test needs: read /stats, wait for a condition, and assert that the
// balancer holds nothing once traffic stops. Shared by the l4 and l7 suites.
import { readdirSync } from 'node:fs';
import { get } from 'node:http';
import type { RunningBalancer, Stats } from '@lb/core';

export function countBy<T extends string>(items: T[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[item] = (out[item] ?? 0) + 1;
  return out;
}

export function fetchStats(adminPort: number): Promise<Stats> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port: adminPort, path: '/stats' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(JSON.parse(body) as Stats));
    }).on('error', reject);
  });
}

export async function eventually(
  check: () => boolean | Promise<boolean>,
  ms = 5000,
): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until the balancer holds nothing: no permits, nothing queued, every backend at 0. */
export async function expectIdle(lb: RunningBalancer, connectionsToo = true): Promise<Stats> {
  const idle = (s: Stats) =>
    s.permits.inUse === 0 &&
    s.queue.total === 0 &&
    s.backends.every((b) => b.active === 0) &&
    s.workers.every((w) => w.permits === 0 && (!connectionsToo || w.connections === 0));
  await eventually(async () => idle(await fetchStats(lb.adminPort)), 10000);
  const stats = await fetchStats(lb.adminPort);
  expect({
    permitsInUse: stats.permits.inUse,
    queued: stats.queue.total,
    active: stats.backends.map((b) => b.active),
    permitsHeld: stats.workers.map((w) => w.permits),
  }).toEqual({
    permitsInUse: 0,
    queued: 0,
    active: stats.backends.map(() => 0),
    permitsHeld: stats.workers.map(() => 0),
  });
  if (connectionsToo)
    expect(stats.workers.map((w) => w.connections)).toEqual(stats.workers.map(() => 0));
  return stats;
}

export function openFdCount(): number {
  return readdirSync('/proc/self/fd').length;
}
