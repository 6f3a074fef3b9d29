import { parseCompareArgs } from '../../src/cli/parse-args';
import { UsageError } from '../../src/cli/usage-error';

describe('parseCompareArgs', () => {
  it.each([
    [['--duration', 'abc'], '--duration: expected a number of seconds > 0, got "abc"'],
    [['--duration=-1'], '--duration: expected a number of seconds > 0, got "-1"'],
    [['--concurrency', '1.5'], '--concurrency: expected a whole number > 0, got "1.5"'],
    [['--workers', '0'], '--workers: expected a whole number > 0, got "0"'],
    [['--scenario', 'seed,nope'], 'got "nope"'],
    [['--targets', 'l5'], 'got "l5"'],
    [['--backend', 'go'], '--backend: expected one of auto, node, fastapi, got "go"'],
    [['--rate', 'fast'], '--rate: expected a number of requests per second > 0, got "fast"'],
    [['--rate', '0'], '--rate: expected a number of requests per second > 0, got "0"'],
    [['--rate=-20'], '--rate: expected a number of requests per second > 0, got "-20"'],
    [['--rate', ''], '--rate: expected a number of requests per second > 0, got ""'],
  ])('rejects %j naming the flag, the expectation and the value', (argv, message) => {
    expect(() => parseCompareArgs(argv)).toThrow(UsageError);
    expect(() => parseCompareArgs(argv)).toThrow(message);
  });

  it('rejects an unknown flag by name', () => {
    expect(() => parseCompareArgs(['--bogus'])).toThrow(/--bogus/);
  });

  it('expands target groups', () => {
    const options = parseCompareArgs(['--targets', 'direct,l4']);
    expect(options?.targets).toEqual([
      'direct',
      'l4-round-robin',
      'l4-least-connections',
      'l4-ip-hash',
      'l4-round-robin-handoff',
    ]);
  });

  it('lets an explicit flag win over --quick', () => {
    const options = parseCompareArgs(['--quick', '--duration', '3']);
    expect(options).toMatchObject({ quick: true, durationS: 3, warmupS: 0.5, backend: 'node' });
  });

  it('takes --rate as an open-loop rate, fractions allowed, and leaves it unset by default', () => {
    expect(parseCompareArgs(['--rate', '250.5'])?.rate).toBe(250.5);
    expect(parseCompareArgs([])?.rate).toBeUndefined();
  });

  it('returns undefined for --help', () => {
    expect(parseCompareArgs(['--help'])).toBeUndefined();
  });
});
