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

  it('returns undefined for --help', () => {
    expect(parseCompareArgs(['--help'])).toBeUndefined();
  });
});
