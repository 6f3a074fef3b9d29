import { createServer } from 'node:net';
import {
  countBy,
  eventually,
  expectIdle,
  fetchStats,
  startBackend,
  startBackends,
  startL4,
  whoAnswers,
} from './helpers';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('backend failures', () => {
  it('a refused connect is retried on the next backend and counted; 3 in a row eject it', async () => {
    const [live] = await startBackends(1);
    const dead = await closedPort();
    const lb = await startL4({
      passive: { maxFailures: 3, ejectMs: 60000 },
      backends: [
        { address: `127.0.0.1:${dead}`, id: 'dead' },
        { address: live!.address, id: 'live' },
      ],
    });
    const answers: string[] = [];
    for (let i = 0; i < 12; i++) answers.push(await whoAnswers(lb.port));
    expect(answers).toEqual(Array(12).fill('b1'));
    const stats = await fetchStats(lb.adminPort);
    const deadStats = stats.backends.find((b) => b.id === 'dead')!;
    expect(deadStats.failures).toBe(3);
    expect(deadStats.ejected).toBe(true);
    await expectIdle(lb);
    await lb.stop(1000);
    await live!.close();
  });

  it('when every backend refuses, the client is closed at once and nothing leaks', async () => {
    const lb = await startL4({
      retries: 1,
      backends: [`127.0.0.1:${await closedPort()}`, `127.0.0.1:${await closedPort()}`],
    });
    expect(await whoAnswers(lb.port)).toBe('');
    const stats = await expectIdle(lb);
    expect(stats.backends.map((b) => b.failures)).toEqual([1, 1]);
    await lb.stop(1000);
  });

  it('health checks take a dead backend out within seconds and bring it back when it answers', async () => {
    const backends = await startBackends(3);
    const lb = await startL4({
      healthCheck: { enabled: true, intervalMs: 100, timeoutMs: 200, rise: 2, fall: 2 },
      backends: backends.map((b) => ({ address: b.address, id: b.id })),
    });
    const port = backends[1]!.port;
    await backends[1]!.close();
    expect(
      await eventually(async () => (await fetchStats(lb.adminPort)).backends[1]!.health === 'down'),
    ).toBe(true);
    const whileDown: string[] = [];
    for (let i = 0; i < 10; i++) whileDown.push(await whoAnswers(lb.port));
    expect(countBy(whileDown)).toEqual({ b1: 5, b3: 5 });
    expect((await fetchStats(lb.adminPort)).backends[1]!.failures).toBe(0); // skipped, never tried

    const revived = await startBackend('b2');
    await new Promise<void>((resolve) => {
      revived.server.close(() => revived.server.listen(port, '127.0.0.1', resolve));
    });
    expect(
      await eventually(async () => (await fetchStats(lb.adminPort)).backends[1]!.health === 'up'),
    ).toBe(true);
    const afterReturn: string[] = [];
    for (let i = 0; i < 9; i++) afterReturn.push(await whoAnswers(lb.port));
    expect(countBy(afterReturn)).toEqual({ b1: 3, b2: 3, b3: 3 });
    await expectIdle(lb);
    await lb.stop(1000);
    await Promise.all([backends[0]!.close(), backends[2]!.close(), revived.close()]);
  });
});
