import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load';
import { lbErrorFrom } from '../fixtures/errors';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'lb-config-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('precedence: flag > WORKERS env > file > default', () => {
  test.each([
    {
      name: 'default only',
      fileWorkers: undefined,
      env: undefined,
      flag: undefined,
      want: 'default',
    },
    { name: 'file', fileWorkers: 2, env: undefined, flag: undefined, want: 2 },
    { name: 'env over file', fileWorkers: 2, env: '3', flag: undefined, want: 3 },
    { name: 'flag over env and file', fileWorkers: 2, env: '3', flag: '4', want: 4 },
    { name: 'flag over file', fileWorkers: 2, env: undefined, flag: '4', want: 4 },
    { name: 'empty env is unset', fileWorkers: 2, env: '', flag: undefined, want: 2 },
  ])('$name', ({ name, fileWorkers, env, flag, want }) => {
    const body = { backends: ['127.0.0.1:1'], ...(fileWorkers ? { workers: fileWorkers } : {}) };
    const argv = ['--config', file(`${name.replace(/\W/g, '-')}.json`, JSON.stringify(body))];
    if (flag) argv.push('--workers', flag);
    const config = loadConfig({ argv, env: env === undefined ? {} : { WORKERS: env } });
    if (want === 'default') expect(config.workers).toBeGreaterThanOrEqual(1);
    else expect(config.workers).toBe(want);
  });

  test('flags override the file key by key', () => {
    const path = file(
      'mixed.yaml',
      'backends: ["127.0.0.1:1"]\nalgorithm: least-connections\nmaxConnections: 7\n',
    );
    const config = loadConfig({ argv: ['--config', path, '--max-connections', '9'], env: {} });
    expect(config.maxConnections).toBe(9);
    expect(config.algorithm).toBe('least-connections');
  });

  test('--backend flags replace the file backends', () => {
    const path = file('backends.yaml', 'backends: ["127.0.0.1:1", "127.0.0.1:2"]\n');
    const config = loadConfig({ argv: ['--config', path, '--backend', '127.0.0.1:3'], env: {} });
    expect(config.backends.map((b) => b.id)).toEqual(['127.0.0.1:3']);
  });

  test('--admin sets the listener and keeps the token from the file', () => {
    const path = file(
      'admin.yaml',
      'backends: ["127.0.0.1:1"]\nadmin:\n  token: "0123456789abcdef-token"\n',
    );
    const config = loadConfig({ argv: ['--config', path, '--admin', '0.0.0.0:9999'], env: {} });
    expect(config.admin).toEqual({
      listen: { scheme: undefined, host: '0.0.0.0', port: 9999 },
      token: '0123456789abcdef-token',
    });
  });
});

describe('WORKERS must be a positive integer', () => {
  test.each(['abc', '-1', '2.5', '1e2', '0x10', '99999999999999999999'])('WORKERS=%j', (value) => {
    const err = lbErrorFrom(() =>
      loadConfig({ argv: ['--backend', '127.0.0.1:1'], env: { WORKERS: value } }),
    );
    expect(err.code).toBe('LB_ERR_CONFIG');
    expect(err.message).toContain('WORKERS');
    expect(err.message).toContain(JSON.stringify(value));
  });

  // Regression: '0' passed the env check and failed later as the file key "workers", so the
  // message neither named WORKERS nor stated the bound truly ("expected a value >= 0, received 0").
  test('WORKERS=0 is refused as the env variable', () => {
    const err = lbErrorFrom(() =>
      loadConfig({ argv: ['--backend', '127.0.0.1:1'], env: { WORKERS: '0' } }),
    );
    expect(err.code).toBe('LB_ERR_CONFIG');
    expect(err.message).toContain('WORKERS');
  });

  test('WORKERS above the limit names the bound', () => {
    const err = lbErrorFrom(() =>
      loadConfig({ argv: ['--backend', '127.0.0.1:1'], env: { WORKERS: '65' } }),
    );
    expect(err.code).toBe('LB_ERR_CONFIG');
    expect(err.message).toContain('64');
  });

  test('a bad WORKERS is refused even when --workers overrides it', () => {
    const err = lbErrorFrom(() =>
      loadConfig({ argv: ['--backend', '127.0.0.1:1', '--workers', '2'], env: { WORKERS: 'x' } }),
    );
    expect(err.code).toBe('LB_ERR_CONFIG');
  });
});
