import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { countBy, rawRequest, startHttpBackends, eventually, getRequest } from './proxy/helpers';

/** The built CLI; `pnpm exec tsc -b packages/l7` builds it. */
const CLI = join(__dirname, '..', 'dist', 'cli.js');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('lb-l7 command line', () => {
  it.each([
    [
      ['--backend', 'https://127.0.0.1:9001'],
      /config backends\[0\]: expected an address like http:\/\/127\.0\.0\.1:9001, received "https:\/\/127\.0\.0\.1:9001"/,
    ],
    [['--backend', 'http://127.0.0.1:9001', '--bogus', '1'], /LB_ERR_BAD_FLAG: flag "--bogus"/],
  ])('bad input %j: one line, exit 2', (args, message) => {
    const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 10000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('the bench command line serves HTTP over real worker threads and stops on SIGTERM', async () => {
    const backends = await startHttpBackends(3);
    const [port, adminPort] = [await freePort(), await freePort()];
    const args = [
      '--listen',
      `127.0.0.1:${port}`,
      ...backends.flatMap((b) => ['--backend', b.url]),
    ];
    args.push('--algorithm', 'round-robin', '--max-connections', '100', '--queue-timeout', '10000');
    args.push('--workers', '2', '--admin', `127.0.0.1:${adminPort}`);
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    try {
      expect(await eventually(() => out.includes('lb-l7 listening'), 10000)).toBe(true);
      const answers: string[] = [];
      for (let i = 0; i < 6; i++)
        answers.push((await rawRequest(port, getRequest()))!.headers['x-backend-id']!);
      expect(countBy(answers)).toEqual({ b1: 2, b2: 2, b3: 2 });
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await Promise.all(backends.map((b) => b.close()));
    }
  }, 30_000);
});
