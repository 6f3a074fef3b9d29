import { HealthChecker } from '../../src/health/checker';
import { SharedState } from '../../src/shared/state';
import { makeBackends, testDims } from '../fixtures/helpers';
import { capturedLogger, scriptedProbe } from '../fixtures/health';

const OPTIONS = { intervalMs: 1000, timeoutMs: 100, rise: 2, fall: 3 };

describe('checks run every interval plus jitter, and stop() ends them', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('the first check waits random() * interval, later ones interval * (1 + random() / 10)', async () => {
    const state = SharedState.create(testDims({ backends: 1 }), 1);
    const { probe, calls } = scriptedProbe({});
    const checker = new HealthChecker(state, OPTIONS, probe, capturedLogger().log, () => 0.5);
    checker.start(makeBackends([1]));

    await jest.advanceTimersByTimeAsync(499);
    expect(calls.b0).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    expect(calls.b0).toBe(1);
    await jest.advanceTimersByTimeAsync(1049);
    expect(calls.b0).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls.b0).toBe(2);
    checker.stop();
  });

  test('after stop() no check runs and no timer is left', async () => {
    const state = SharedState.create(testDims({ backends: 3 }), 1);
    const { probe, calls } = scriptedProbe({});
    const checker = new HealthChecker(state, OPTIONS, probe, capturedLogger().log, () => 0);
    checker.start(makeBackends([1, 1, 1]));
    await jest.advanceTimersByTimeAsync(2 * OPTIONS.intervalMs);
    expect(calls).toEqual({ b0: 3, b1: 3, b2: 3 });

    checker.stop();
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(10 * OPTIONS.intervalMs);
    expect(calls).toEqual({ b0: 3, b1: 3, b2: 3 });
  });

  test('a probe still running at stop() records nothing and schedules nothing', async () => {
    const state = SharedState.create(testDims({ backends: 1 }), 1);
    let finish: (reason: string | null) => void = () => undefined;
    const probe = () => new Promise<string | null>((resolve) => (finish = resolve));
    const { log, lines } = capturedLogger();
    const checker = new HealthChecker(state, { ...OPTIONS, fall: 1 }, probe, log, () => 0);
    checker.start(makeBackends([1]));
    await jest.advanceTimersByTimeAsync(0);

    checker.stop();
    finish('refused');
    await jest.advanceTimersByTimeAsync(0);
    expect(state.load('backendHealth', 0)).toBe(1);
    expect(lines).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });
});
