import { Semaphore } from '../../src/semaphore';
import { SharedState } from '../../src/shared/state';
import { testDims } from '../fixtures/helpers';
import { idleCounters, queueCounters } from '../fixtures/queue';

const OPTIONS = { maxQueue: 8, timeoutMs: 1000 };

describe('tryAcquire takes a free permit and release returns it', () => {
  test.each([1, 3, 10])('capacity %i: exactly that many succeed, then none', (capacity) => {
    const state = SharedState.create(testDims(), capacity);
    const sem = new Semaphore(state, 1, OPTIONS);
    for (let k = 0; k < capacity; k++) expect(sem.tryAcquire(1)).toBe(true);
    expect(sem.tryAcquire(0)).toBe(false);
    expect(state.load('permitsFree')).toBe(0);
    expect(state.load('permitsHeld', 1)).toBe(capacity);

    for (let k = 0; k < capacity; k++) sem.release();
    expect(queueCounters(state)).toEqual(idleCounters(state));
  });

  test('each worker counts only the permits it holds', () => {
    const state = SharedState.create(testDims(), 5);
    const a = new Semaphore(state, 0, OPTIONS);
    const b = new Semaphore(state, 2, OPTIONS);
    a.tryAcquire(1);
    b.tryAcquire(1);
    b.tryAcquire(1);
    expect(queueCounters(state).held).toEqual([1, 0, 2, 0]);
    expect(state.load('permitsFree')).toBe(2);

    a.release();
    b.release();
    b.release();
    expect(queueCounters(state)).toEqual(idleCounters(state));
  });

  test('a released permit can be taken again', () => {
    const state = SharedState.create(testDims(), 1);
    const sem = new Semaphore(state, 0, OPTIONS);
    for (let round = 0; round < 5; round++) {
      expect(sem.tryAcquire(2)).toBe(true);
      expect(sem.tryAcquire(2)).toBe(false);
      sem.release();
    }
    expect(queueCounters(state)).toEqual(idleCounters(state));
  });
});
