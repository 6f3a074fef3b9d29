import { Semaphore } from '../../src/semaphore';
import { SharedState } from '../../src/shared/state';
import { testDims } from '../fixtures/helpers';
import { idleCounters, queueCounters } from '../fixtures/queue';

const OPTIONS = { maxQueue: 8, timeoutMs: 60000 };

/** Lets promise callbacks and the doorbell's waitAsync settle. */
async function settle(): Promise<void> {
  for (let k = 0; k < 5; k++) await new Promise((r) => setImmediate(r));
}

describe('cancel() leaves the queue and never keeps a permit', () => {
  test('cancelled while waiting: the record is freed and done never runs', async () => {
    const state = SharedState.create(testDims(), 1);
    const holder = new Semaphore(state, 0, OPTIONS);
    const sem = new Semaphore(state, 1, OPTIONS);
    holder.tryAcquire(0);
    const done = jest.fn();
    const ticket = sem.enqueue(1, done)!;

    ticket.cancel();
    expect(state.load('queueWaiting', 1)).toBe(0);
    expect(state.load('queueTotal')).toBe(0);
    expect(sem.queued).toBe(0);
    holder.release();
    await settle();
    expect(done).not.toHaveBeenCalled();
    expect(queueCounters(state)).toEqual(idleCounters(state));
  });

  test('granted before the owner saw it: the permit goes back and done never runs', async () => {
    const state = SharedState.create(testDims(), 1);
    const holder = new Semaphore(state, 0, OPTIONS);
    const sem = new Semaphore(state, 1, OPTIONS);
    holder.tryAcquire(0);
    const done = jest.fn();
    const ticket = sem.enqueue(1, done)!;

    holder.release(); // pumps: the record is Granted now, the doorbell has not been read yet
    expect(state.load('permitsFree')).toBe(0);
    ticket.cancel();
    await settle();
    expect(done).not.toHaveBeenCalled();
    expect(queueCounters(state)).toEqual(idleCounters(state));
  });

  test('a permit returned by a cancel goes to the next waiter', async () => {
    const state = SharedState.create(testDims(), 1);
    const holder = new Semaphore(state, 0, OPTIONS);
    const sem = new Semaphore(state, 1, OPTIONS);
    holder.tryAcquire(0);
    const first = jest.fn();
    const second = jest.fn();
    const ticket = sem.enqueue(1, first)!;
    sem.enqueue(1, second);

    holder.release(); // granted to the first waiter
    ticket.cancel(); // ... who gives it back, so the second gets it
    await settle();
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledWith(null);
    expect(state.load('permitsHeld', 1)).toBe(1);
    sem.release();
    expect(queueCounters(state)).toEqual(idleCounters(state));
  });

  test('cancel after the grant was delivered changes nothing', async () => {
    const state = SharedState.create(testDims(), 2);
    const sem = new Semaphore(state, 1, OPTIONS);
    const done = jest.fn();
    const ticket = sem.enqueue(1, done)!;
    await settle();
    expect(done).toHaveBeenCalledWith(null);

    ticket.cancel();
    expect(state.load('permitsHeld', 1)).toBe(1);
    sem.release();
    expect(queueCounters(state)).toEqual(idleCounters(state));
  });
});
