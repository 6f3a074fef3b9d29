import { availableParallelism } from 'node:os';
import { validateConfig } from '../../src/config/load';

describe('validateConfig fills every default', () => {
  test('one backend address is enough', () => {
    const config = validateConfig({ backends: ['127.0.0.1:9001'] });
    expect(config).toEqual({
      listen: { scheme: undefined, host: '127.0.0.1', port: 8080 },
      backends: [
        {
          id: '127.0.0.1:9001',
          host: '127.0.0.1',
          port: 9001,
          weight: 1,
          maxConnections: 0,
          slot: -1,
        },
      ],
      algorithm: 'round-robin',
      maxConnections: 100,
      queueTimeoutMs: 5000,
      maxQueue: 1000,
      workers: availableParallelism(),
      dispatch: 'auto',
      timeouts: { connectMs: 3000, idleMs: 60000, shutdownGraceMs: 10000 },
      retries: 2,
      healthCheck: { enabled: true, intervalMs: 2000, timeoutMs: 1000, rise: 2, fall: 3 },
      passive: { maxFailures: 3, ejectMs: 10000 },
      admin: { listen: { scheme: undefined, host: '127.0.0.1', port: 9900 }, token: undefined },
      log: { level: 'info' },
    });
  });

  test('a section given in part keeps the defaults of its other keys', () => {
    const config = validateConfig({
      backends: ['127.0.0.1:9001'],
      healthCheck: { fall: 5 },
      timeouts: { idleMs: 5 },
    });
    expect(config.healthCheck).toEqual({
      enabled: true,
      intervalMs: 2000,
      timeoutMs: 1000,
      rise: 2,
      fall: 5,
    });
    expect(config.timeouts).toEqual({ connectMs: 3000, idleMs: 5, shutdownGraceMs: 10000 });
  });

  test.each([
    ['127.0.0.1:9001', { id: '127.0.0.1:9001', host: '127.0.0.1', port: 9001 }],
    ['[::1]:9001', { id: '[::1]:9001', host: '::1', port: 9001 }],
    ['localhost:80', { id: 'localhost:80', host: 'localhost', port: 80 }],
  ])('backend %s gets its address as id', (address, expected) => {
    expect(validateConfig({ backends: [address] }).backends[0]).toMatchObject(expected);
  });

  test('a backend object keeps its id, weight and limit', () => {
    const config = validateConfig({
      backends: [{ address: '127.0.0.1:9001', id: 'api-1', weight: 3, maxConnections: 7 }],
    });
    expect(config.backends[0]).toMatchObject({ id: 'api-1', weight: 3, maxConnections: 7 });
  });

  test('admin off is kept as false', () => {
    expect(validateConfig({ backends: ['127.0.0.1:1'], admin: { listen: false } }).admin).toEqual({
      listen: false,
      token: undefined,
    });
  });
});
