import type { LbError } from '../../src/errors';
import { Semaphore } from '../../src/semaphore';
import { SharedState } from '../../src/shared/state';
import { testDims } from '../fixtures/helpers';
import { idleCounters, queueCounters } from '../fixtures/queue';

describe('a waiter that gets no permit within timeoutMs leaves with LB_ERR_QUEUE_TIMEOUT', () => {
  beforeEach(() =>
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick', 'setImmediate'] }),
  );
  afterEach(() => jest.useRealTimers());

  test.each([0, 1, 2])('class %i: times out, and the queue is empty again', (cls) => {
    const state = SharedState.create(testDims(), 1);
    const holder = new Semaphore(state, 0, { maxQueue: 8, timeoutMs: 50 });
    const waiter = new Semaphore(state, 1, { maxQueue: 8, timeoutMs: 50 });
    holder.tryAcquire(0);
    const done = jest.fn<void, [LbError | null]>();

    expect(waiter.enqueue(cls, done)).not.toBeNull();
    expect(state.load('queueWaiting', cls)).toBe(1);
    jest.advanceTimersByTime(49);
    expect(done).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);

    expect(done).toHaveBeenCalledTimes(1);
    expect(done.mock.calls[0]![0]).toMatchObject({ code: 'LB_ERR_QUEUE_TIMEOUT', status: 503 });
    expect(state.load64('queueTimeouts')).toBe(1);
    expect(waiter.queued).toBe(0);
    holder.release();
    expect(queueCounters(state)).toEqual(idleCounters(state));
  });

  test('a permit freed before the deadline is granted, and no timeout follows', async () => {
    const state = SharedState.create(testDims(), 1);
    const holder = new Semaphore(state, 0, { maxQueue: 8, timeoutMs: 50 });
    const waiter = new Semaphore(state, 1, { maxQueue: 8, timeoutMs: 50 });
    holder.tryAcquire(0);
    const done = jest.fn<void, [LbError | null]>();
    waiter.enqueue(1, done);

    holder.release();
    for (let k = 0; k < 10 && done.mock.calls.length === 0; k++) {
      await new Promise((r) => setImmediate(r));
    }
    expect(done).toHaveBeenCalledWith(null);
    jest.advanceTimersByTime(1000);
    expect(done).toHaveBeenCalledTimes(1);
    expect(state.load64('queueTimeouts')).toBe(0);
    waiter.release();
    expect(queueCounters(state)).toEqual(idleCounters(state));
  });
});
