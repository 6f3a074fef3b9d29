import { pumpQueue, Semaphore } from '../../src/semaphore';
import { SharedState } from '../../src/shared/state';
import { testDims, until } from '../fixtures/helpers';
import { idleCounters, queueCounters } from '../fixtures/queue';
import { SemaphoreWorker } from '../fixtures/workers';

/** Classes: 0 high, 1 normal, 2 low. A newcomer may pass only a waiter of a lower class. */
const CASES: { waiter: number; newcomer: number; takes: boolean }[] = [];
for (const waiter of [0, 1, 2]) {
  for (const newcomer of [0, 1, 2]) CASES.push({ waiter, newcomer, takes: newcomer < waiter });
}

describe('no barging: a newcomer never takes a permit while an equal or higher class waits', () => {
  let worker: SemaphoreWorker | undefined;
  afterEach(async () => {
    await worker?.terminate();
    worker = undefined;
  });

  test.each(CASES)(
    'waiter of class $waiter in another worker, newcomer of class $newcomer: takes=$takes',
    async ({ waiter, newcomer, takes }) => {
      const dims = testDims();
      const state = SharedState.create(dims, 1);
      const primary = new Semaphore(state, 0, { maxQueue: 8, timeoutMs: 60000 });
      expect(primary.tryAcquire(0)).toBe(true);
      worker = new SemaphoreWorker({
        buffer: state.buffer,
        dims,
        index: 1,
        maxQueue: 8,
        timeoutMs: 60000,
      });
      await worker.send({ op: 'enqueue', cls: waiter, id: 'waiter' });

      // A permit is momentarily free: returned to the pool but not yet pumped to the waiter.
      state.add('permitsHeld', 0, -1);
      state.add('permitsFree', 0, 1);
      expect(primary.tryAcquire(newcomer)).toBe(takes);

      if (takes) primary.release();
      else pumpQueue(state);
      await worker.next((r) => r.op === 'granted');
      await worker.send({ op: 'release' });
      await until(() => state.load('permitsFree') === 1);
      expect(queueCounters(state)).toEqual(idleCounters(state));
    },
  );

  test('with nobody waiting, any class takes a free permit', () => {
    const state = SharedState.create(testDims(), 3);
    const sem = new Semaphore(state, 0, { maxQueue: 8, timeoutMs: 1000 });
    expect([sem.tryAcquire(2), sem.tryAcquire(1), sem.tryAcquire(0)]).toEqual([true, true, true]);
    for (let k = 0; k < 3; k++) sem.release();
    expect(queueCounters(state)).toEqual(idleCounters(state));
  });
});
