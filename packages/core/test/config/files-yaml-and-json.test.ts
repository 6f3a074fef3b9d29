import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load';
import { lbErrorFrom } from '../fixtures/errors';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'lb-files-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const YAML = `
listen: 0.0.0.0:8000
algorithm: ip-hash
backends:
  - 127.0.0.1:9001
  - address: 127.0.0.1:9002
    id: second
    weight: 3
healthCheck:
  rise: 4
`;

const JSON_TEXT = JSON.stringify({
  listen: '0.0.0.0:8000',
  algorithm: 'ip-hash',
  backends: ['127.0.0.1:9001', { address: '127.0.0.1:9002', id: 'second', weight: 3 }],
  healthCheck: { rise: 4 },
});

describe('a config file may be YAML or JSON and reads the same', () => {
  test.each([
    ['lb.yaml', YAML],
    ['lb.yml', YAML],
    ['lb.json', JSON_TEXT],
    ['lb.conf', JSON_TEXT], // JSON is YAML too
  ])('%s', (name, text) => {
    const config = loadConfig({ argv: ['--config', file(name, text)], env: {} });
    expect(config.listen).toMatchObject({ host: '0.0.0.0', port: 8000 });
    expect(config.algorithm).toBe('ip-hash');
    expect(config.backends.map((b) => [b.id, b.weight])).toEqual([
      ['127.0.0.1:9001', 1],
      ['second', 3],
    ]);
    expect(config.healthCheck.rise).toBe(4);
  });

  test('a key error inside a file names the key path', () => {
    const path = file(
      'bad-key.yaml',
      'backends:\n  - 127.0.0.1:1\n  - address: 127.0.0.1:2\n    weight: -4\n',
    );
    const err = lbErrorFrom(() => loadConfig({ argv: ['--config', path], env: {} }));
    expect(err.code).toBe('LB_ERR_CONFIG');
    expect(err.message).toContain('backends[1].weight');
    expect(err.message).toContain('-4');
  });
});

describe('a file that cannot be read or parsed gives LB_ERR_CONFIG_FILE', () => {
  test.each([
    ['malformed YAML', 'broken.yaml', 'backends: [127.0.0.1:1\nlisten: {'],
    ['malformed JSON', 'broken.json', '{"backends": ["127.0.0.1:1",]}'],
    ['a list at the top', 'list.yaml', '- 127.0.0.1:1\n'],
    ['a scalar at the top', 'scalar.yaml', 'just words\n'],
    ['an empty file', 'empty.yaml', ''],
  ])('%s', (_name, fileName, text) => {
    const path = file(fileName, text);
    const err = lbErrorFrom(() => loadConfig({ argv: ['--config', path], env: {} }));
    expect(err.code).toBe('LB_ERR_CONFIG_FILE');
    expect(err.message).toContain(path);
    expect(err.message.split('\n')).toHaveLength(1);
  });

  test('a missing file', () => {
    const path = join(dir, 'no-such-file.yaml');
    const err = lbErrorFrom(() => loadConfig({ argv: ['--config', path], env: {} }));
    expect(err.code).toBe('LB_ERR_CONFIG_FILE');
    expect(err.message).toContain(path);
    expect(err.message).toContain('ENOENT');
  });

  // Regression: `--config=` (an empty name) was dropped, and the balancer started on flags alone.
  test('an empty --config= is not silently ignored', () => {
    const err = lbErrorFrom(() =>
      loadConfig({ argv: ['--config=', '--backend', '127.0.0.1:1'], env: {} }),
    );
    expect(['LB_ERR_CONFIG_FILE', 'LB_ERR_BAD_FLAG']).toContain(err.code);
  });
});
