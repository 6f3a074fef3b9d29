import { validateConfig } from '../../src/config/load';
import { lbErrorFrom } from '../fixtures/errors';

const ONE = ['127.0.0.1:9001'];

/** Each bad input, the key path the error must name, and what it must say was received. */
const CASES: { name: string; input: unknown; key: string; received: string }[] = [
  { name: 'no backends key', input: {}, key: 'backends', received: 'nothing' },
  { name: 'empty backends', input: { backends: [] }, key: 'backends', received: '[]' },
  {
    name: 'negative weight',
    input: { backends: ['127.0.0.1:1', { address: '127.0.0.1:2', weight: -1 }] },
    key: 'backends[1].weight',
    received: '-1',
  },
  {
    name: 'weight too large',
    input: { backends: ['127.0.0.1:1', { address: '127.0.0.1:2', weight: 1000 }] },
    key: 'backends[1].weight',
    received: '1000',
  },
  {
    name: 'bad address in an object',
    input: { backends: [{ address: 'nowhere' }] },
    key: 'backends[0].address',
    received: '"nowhere"',
  },
  {
    name: 'bad address string',
    input: { backends: ['nowhere'] },
    key: 'backends[0]',
    received: '"nowhere"',
  },
  {
    name: 'port 0 backend',
    input: { backends: ['127.0.0.1:0'] },
    key: 'backends[0]',
    received: '"127.0.0.1:0"',
  },
  {
    name: 'port too large',
    input: { backends: ['127.0.0.1:70000'] },
    key: 'backends[0]',
    received: '"127.0.0.1:70000"',
  },
  {
    name: 'algorithm',
    input: { backends: ONE, algorithm: 'random' },
    key: 'algorithm',
    received: '"random"',
  },
  {
    name: 'string number',
    input: { backends: ONE, maxConnections: '10' },
    key: 'maxConnections',
    received: '"10"',
  },
  {
    name: 'fraction',
    input: { backends: ONE, maxConnections: 1.5 },
    key: 'maxConnections',
    received: '1.5',
  },
  {
    name: 'nested',
    input: { backends: ONE, healthCheck: { fall: -2 } },
    key: 'healthCheck.fall',
    received: '-2',
  },
  { name: 'listen', input: { backends: ONE, listen: 'here' }, key: 'listen', received: '"here"' },
  {
    name: 'log level',
    input: { backends: ONE, log: { level: 'loud' } },
    key: 'log.level',
    received: '"loud"',
  },
  {
    name: 'dispatch',
    input: { backends: ONE, dispatch: 'fork' },
    key: 'dispatch',
    received: '"fork"',
  },
  {
    name: 'maxQueue too large',
    input: { backends: ONE, maxQueue: 70000 },
    key: 'maxQueue',
    received: '70000',
  },
];

describe('every config error names the key path, what was expected and what was received', () => {
  test.each(CASES)('$name -> $key', ({ input, key, received }) => {
    const err = lbErrorFrom(() => validateConfig(input));
    expect(err.code).toBe('LB_ERR_CONFIG');
    expect(err.details.key).toBe(key);
    expect(err.message).toContain(`config ${key}: expected `);
    expect(err.message).toContain(`received ${received}`);
    expect(String(err.details.expected).length).toBeGreaterThan(3);
  });

  test.each([
    { input: { backends: ONE, colour: 'blue' }, key: 'colour', received: '"blue"' },
    { input: { backends: ONE, healthCheck: { fal: 1 } }, key: 'healthCheck.fal', received: '1' },
    {
      input: { backends: [{ address: '127.0.0.1:1', wieght: 2 }] },
      key: 'backends[0].wieght',
      received: '2',
    },
  ])('unknown key $key is refused by name', ({ input, key, received }) => {
    const err = lbErrorFrom(() => validateConfig(input));
    expect(err.code).toBe('LB_ERR_CONFIG');
    expect(err.details.key).toBe(key);
    expect(err.message).toContain(key);
    expect(err.message).toContain('no such key');
    expect(err.message).toContain(`received ${received}`);
  });

  // Regression: zod's exclusive bounds (positive()) and string lengths were both printed as
  // "a value >= N", so `workers: 0` read "expected a value >= 0, received 0".
  test.each([
    { input: { backends: ONE, workers: 0 }, key: 'workers', says: /expected a value (> 0|>= 1)\b/ },
    {
      input: { backends: ONE, maxConnections: 0 },
      key: 'maxConnections',
      says: /expected a value (> 0|>= 1)\b/,
    },
    {
      input: { backends: ONE, healthCheck: { rise: 0 } },
      key: 'healthCheck.rise',
      says: /expected a value (> 0|>= 1)\b/,
    },
    {
      input: { backends: ONE, admin: { token: 'short' } },
      key: 'admin.token',
      says: /16 characters/,
    },
  ])('the expected bound is stated truly for $key', ({ input, key, says }) => {
    const err = lbErrorFrom(() => validateConfig(input));
    expect(err.details.key).toBe(key);
    expect(err.message).toMatch(says);
  });

  // Regression: a timeout above 2^31-1 ms passed validation, and Node's setTimeout turns such a
  // delay into 1 ms, so every queued request would time out at once.
  test.each([
    ['queueTimeoutMs', { queueTimeoutMs: 2 ** 31 }],
    ['healthCheck.intervalMs', { healthCheck: { intervalMs: 2 ** 31 } }],
    ['timeouts.idleMs', { timeouts: { idleMs: 2 ** 31 } }],
    ['timeouts.connectMs', { timeouts: { connectMs: 2 ** 32 } }],
  ])('%s beyond what a timer can wait is refused', (key, extra) => {
    const err = lbErrorFrom(() => validateConfig({ backends: ONE, ...extra }));
    expect(err.code).toBe('LB_ERR_CONFIG');
    expect(err.details.key).toBe(key);
  });

  test('the longest timer delay is still accepted', () => {
    expect(validateConfig({ backends: ONE, queueTimeoutMs: 2 ** 31 - 1 }).queueTimeoutMs).toBe(
      2 ** 31 - 1,
    );
  });
});
