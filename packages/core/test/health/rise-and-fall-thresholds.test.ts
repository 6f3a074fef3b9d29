import { HealthChecker } from '../../src/health/checker';
import { Health, SharedState } from '../../src/shared/state';
import { makeBackends, testDims } from '../fixtures/helpers';
import { capturedLogger, scriptedProbe } from '../fixtures/health';

const OPTIONS = { intervalMs: 1000, timeoutMs: 100, rise: 2, fall: 3 };

/** Runs the checker over one backend for `script`, returning 'u'/'d' after each check. */
async function healthAfterEachCheck(script: string, startDown = false) {
  const state = SharedState.create(testDims({ backends: 1 }), 1);
  if (startDown) state.store('backendHealth', 0, Health.Down);
  const [backend] = makeBackends([1]);
  const { probe, calls } = scriptedProbe({ b0: script });
  const { log, lines } = capturedLogger();
  const checker = new HealthChecker(state, OPTIONS, probe, log, () => 0);
  checker.start([backend!]);

  let seen = '';
  await jest.advanceTimersByTimeAsync(0); // the first check runs at random() * interval = 0
  for (let k = 0; k < script.length; k++) {
    expect(calls.b0).toBe(k + 1);
    seen += state.load('backendHealth', 0) === Health.Up ? 'u' : 'd';
    await jest.advanceTimersByTimeAsync(OPTIONS.intervalMs);
  }
  checker.stop();
  return { seen, lines };
}

describe('health flips only after fall failures or rise passes in a row', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test.each([
    { name: 'two failures keep it up, the third takes it down', script: 'FFF', seen: 'uud' },
    { name: 'a pass in between restarts the count', script: 'FFPFFF', seen: 'uuuuud' },
    { name: 'passes while up change nothing', script: 'PPPP', seen: 'uuuu' },
    { name: 'down, then two passes bring it back', script: 'FFFPP', seen: 'uuddu' },
    { name: 'a failure between passes restarts the rise', script: 'FFFPFPP', seen: 'uuddddu' },
  ])('starting up: $name', async ({ script, seen }) => {
    expect((await healthAfterEachCheck(script)).seen).toBe(seen);
  });

  test.each([
    { script: 'P', seen: 'd' },
    { script: 'PP', seen: 'du' },
    { script: 'FFPP', seen: 'dddu' },
  ])('starting down: $script -> $seen', async ({ script, seen }) => {
    expect((await healthAfterEachCheck(script, true)).seen).toBe(seen);
  });

  test('each change is one info line with backend, old and new state, and cause', async () => {
    const { lines } = await healthAfterEachCheck('FFFPPFP');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 30,
      event: 'backend.state',
      backend: 'b0',
      address: '127.0.0.1:9000',
      from: 'up',
      to: 'down',
      cause: '3 checks failed: refused',
    });
    expect(lines[1]).toMatchObject({
      backend: 'b0',
      from: 'down',
      to: 'up',
      cause: '2 checks passed',
    });
  });

  test('backends keep separate streaks', async () => {
    const state = SharedState.create(testDims({ backends: 2 }), 1);
    const { probe } = scriptedProbe({ b0: 'FFF', b1: 'FFPF' });
    const { log, lines } = capturedLogger();
    const checker = new HealthChecker(state, OPTIONS, probe, log, () => 0);
    checker.start(makeBackends([1, 1]));
    await jest.advanceTimersByTimeAsync(0);
    await jest.advanceTimersByTimeAsync(3 * OPTIONS.intervalMs);
    checker.stop();

    expect([state.load('backendHealth', 0), state.load('backendHealth', 1)]).toEqual([
      Health.Down,
      Health.Up,
    ]);
    expect(lines.map((l) => l.backend)).toEqual(['b0']);
  });

  // Regression: a probe that rejected (an HTTP probe that throws, a bad address) ended that
  // backend's checks for good and left an unhandled rejection.
  test('a probe that throws counts as a failure and checks go on', async () => {
    const state = SharedState.create(testDims({ backends: 1 }), 1);
    let calls = 0;
    const probe = async () => {
      calls++;
      throw new Error('probe broke');
    };
    const { log } = capturedLogger();
    const checker = new HealthChecker(state, OPTIONS, probe, log, () => 0);
    const onUnhandled = jest.fn();
    process.on('unhandledRejection', onUnhandled);
    try {
      checker.start(makeBackends([1]));
      await jest.advanceTimersByTimeAsync(0);
      await jest.advanceTimersByTimeAsync(2 * OPTIONS.intervalMs);
      expect(calls).toBe(3);
      expect(state.load('backendHealth', 0)).toBe(Health.Down);
      expect(onUnhandled).not.toHaveBeenCalled();
    } finally {
      checker.stop();
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
