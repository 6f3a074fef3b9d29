import { spawn, spawnSync } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startBackends } from './helpers';

/** The built CLI; the test command builds it first (`tsc -b`). */
const CLI = join(__dirname, '..', 'dist', 'cli.js');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('bad config and bad flags: a clear message, exit 2, nothing listening', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lb-l4-cli-'));
  const badFile = join(dir, 'bad.yaml');
  writeFileSync(badFile, 'backends:\n  - address: 127.0.0.1:9001\n    weight: -2\n');
  const cases: [string, string[], RegExp][] = [
    ['no backends', [], /LB_ERR_CONFIG: config backends: expected an array, received nothing/],
    [
      'unknown flag',
      ['--backend', '127.0.0.1:9001', '--bogus', '1'],
      /LB_ERR_BAD_FLAG: flag "--bogus"/,
    ],
    [
      'flag without value',
      ['--backend'],
      /LB_ERR_BAD_FLAG: flag --backend: expected a value after it/,
    ],
    [
      'non-numeric limit',
      ['--backend', '127.0.0.1:9001', '--max-connections', 'lots'],
      /flag --max-connections: expected an integer, received "lots"/,
    ],
    [
      'bad algorithm',
      ['--backend', '127.0.0.1:9001', '--algorithm', 'random'],
      /config algorithm: expected one of "round-robin", "least-connections", "ip-hash", received "random"/,
    ],
    [
      'bad address',
      ['--backend', 'localhost'],
      /config backends\[0\]: expected an address like 127.0.0.1:8080 or \[::1\]:8080 \(port 0-65535\), received "localhost"/,
    ],
    [
      'negative weight in a file',
      ['--config', badFile],
      /config backends\[0\]\.weight: expected a value >= 0, received -2/,
    ],
    [
      'missing file',
      ['--config', join(dir, 'nope.yaml')],
      /LB_ERR_CONFIG_FILE: config file .*nope\.yaml: ENOENT/,
    ],
  ];

  it.each(cases)('%s', async (_name, args, message) => {
    const port = await freePort();
    const result = spawnSync(
      process.execPath,
      [CLI, '--listen', `127.0.0.1:${port}`, '--admin', 'off', ...args],
      { encoding: 'utf8', timeout: 10000 },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).not.toMatch(/listening/);
    expect(await refuses(port)).toBe(true);
  });

  it('bad WORKERS env is refused the same way', () => {
    const result = spawnSync(process.execPath, [CLI, '--backend', '127.0.0.1:9001'], {
      encoding: 'utf8',
      env: { ...process.env, WORKERS: 'two' },
      timeout: 10000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /config env WORKERS: expected a positive integer, received "two"/,
    );
  });
});

describe('SIGTERM stops gracefully', () => {
  it('stops accepting, lets the open connection finish, then exits 0', async () => {
    const [backend] = await startBackends(1);
    const child = spawn(
      process.execPath,
      [
        CLI,
        '--listen',
        '127.0.0.1:0',
        '--admin',
        'off',
        '--workers',
        '2',
        '--backend',
        backend!.address,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    const port = await new Promise<number>((resolve) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        const m = /"port":(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
    });
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (received += c));
    await new Promise<void>((r) => socket.once('data', () => r()));

    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    expect(await refuses(port)).toBe(true);
    socket.write('still here\n'); // the open connection still works
    await new Promise<void>((r) => {
      const check = () => (received.includes('still here') ? r() : setTimeout(check, 10));
      check();
    });
    socket.end();
    expect(await exited).toBe(0);
    expect(out).toMatch(/"msg":"stopped"/);
    await backend!.close();
  });
});
