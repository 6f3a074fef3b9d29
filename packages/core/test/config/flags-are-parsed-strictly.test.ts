import { parseFlags } from '../../src/config/flags';
import { lbErrorFrom } from '../fixtures/errors';

describe('parseFlags reads --flag value and --flag=value', () => {
  test.each([
    [['--listen', '0.0.0.0:80'], { listen: '0.0.0.0:80' }],
    [['--listen=0.0.0.0:80'], { listen: '0.0.0.0:80' }],
    [['--backend', 'a:1', '--backend=b:2'], { backends: ['a:1', 'b:2'] }],
    [['--algorithm', 'ip-hash'], { algorithm: 'ip-hash' }],
    [
      ['--max-connections', '50', '--queue-timeout=250'],
      { maxConnections: 50, queueTimeoutMs: 250 },
    ],
    [['--max-queue', '0'], { maxQueue: 0 }],
    [['--workers', '3'], { workers: 3 }],
    [['--admin', 'off'], { admin: { listen: false } }],
    [['--admin', '127.0.0.1:9000'], { admin: { listen: '127.0.0.1:9000' } }],
    [['--dispatch', 'shared'], { dispatch: 'shared' }],
    [['--log-level', 'debug'], { log: { level: 'debug' } }],
    [['--listen=a=b:1'], { listen: 'a=b:1' }],
  ])('%j', (argv, values) => {
    expect(parseFlags(argv)).toEqual({ config: undefined, help: false, values });
  });

  test('--config names the file and sets no config key', () => {
    expect(parseFlags(['--config', 'lb.yaml'])).toEqual({
      config: 'lb.yaml',
      help: false,
      values: {},
    });
  });

  test.each([['--help'], ['-h']])('%s asks for help', (flag) => {
    expect(parseFlags(['--workers', '2', flag]).help).toBe(true);
  });

  test('the last of a repeated single-value flag wins', () => {
    expect(parseFlags(['--workers', '2', '--workers', '5']).values.workers).toBe(5);
  });
});

describe('parseFlags refuses what it cannot read, naming the flag', () => {
  test.each([
    { argv: ['--colour', 'blue'], flag: '--colour', says: 'an unknown flag' },
    { argv: ['--colour=blue'], flag: '--colour', says: 'an unknown flag' },
    { argv: ['workers', '2'], flag: 'workers', says: 'an unknown flag' },
    { argv: ['--workers'], flag: '--workers', says: 'a value after it' },
    { argv: ['--workers', '--listen', ':1'], flag: '--workers', says: 'a value after it' },
    { argv: ['--backend'], flag: '--backend', says: 'a value after it' },
    { argv: ['--workers', 'four'], flag: '--workers', says: 'an integer' },
    { argv: ['--workers', '1.5'], flag: '--workers', says: 'an integer' },
    { argv: ['--max-connections', '1e3'], flag: '--max-connections', says: 'an integer' },
    { argv: ['--queue-timeout='], flag: '--queue-timeout', says: 'an integer' },
    { argv: ['--max-queue', ' 5'], flag: '--max-queue', says: 'an integer' },
  ])('$argv', ({ argv, flag, says }) => {
    const err = lbErrorFrom(() => parseFlags(argv));
    expect(err.code).toBe('LB_ERR_BAD_FLAG');
    expect(err.message).toContain(flag);
    expect(err.message).toContain(says);
  });

  test('an unknown flag lists the flags that exist', () => {
    const err = lbErrorFrom(() => parseFlags(['--wokers', '2']));
    expect(err.message).toContain('--workers');
    expect(err.message).toContain('--max-connections');
  });
});
