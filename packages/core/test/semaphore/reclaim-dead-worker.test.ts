import { QueueSlot, reclaimWorkerPermits, recordWord, Semaphore } from '../../src/semaphore';
import { SharedState } from '../../src/shared/state';
import { testDims } from '../fixtures/helpers';
import { idleCounters, queueCounters } from '../fixtures/queue';
import { SemaphoreWorker } from '../fixtures/workers';

const OPTIONS = { maxQueue: 8, timeoutMs: 60000 };

async function settle(): Promise<void> {
  for (let k = 0; k < 5; k++) await new Promise((r) => setImmediate(r));
}

describe('reclaimWorkerPermits returns what a dead worker held and passes it on', () => {
  let worker: SemaphoreWorker | undefined;
  afterEach(async () => {
    await worker?.terminate();
    worker = undefined;
  });

  test('a worker thread that exits holding permits and a queue record', async () => {
    const dims = testDims();
    const state = SharedState.create(dims, 3);
    const primary = new Semaphore(state, 0, OPTIONS);
    expect(primary.tryAcquire(1)).toBe(true);
    worker = new SemaphoreWorker({ buffer: state.buffer, dims, index: 1, ...OPTIONS });
    expect(await worker.send({ op: 'tryAcquire', cls: 1 })).toEqual({ op: 'tryAcquire', ok: true });
    expect(await worker.send({ op: 'tryAcquire', cls: 1 })).toEqual({ op: 'tryAcquire', ok: true });
    await worker.send({ op: 'enqueue', cls: 1, id: 'orphan' });
    const done = jest.fn();
    primary.enqueue(2, done); // queued behind the dead worker's normal-class record

    worker.thread.postMessage({ op: 'exit' });
    expect(await worker.exited()).toBe(3);
    expect(state.load('permitsHeld', 1)).toBe(2);
    expect(reclaimWorkerPermits(state, 1)).toBe(2);
    await settle();

    expect(done).toHaveBeenCalledWith(null); // one of the two returned permits
    expect(queueCounters(state)).toMatchObject({ free: 1, held: [2, 0, 0, 0], total: 0 });
    primary.release();
    primary.release();
    expect(queueCounters(state)).toEqual(idleCounters(state));
  });

  test('a permit granted to a dead worker but never taken comes back', async () => {
    const state = SharedState.create(testDims(), 2);
    const dead = 3;
    // Worker 3 held one permit and had one record granted when it died (written by hand).
    state.add('permitsFree', 0, -2);
    state.add('permitsHeld', dead, 1);
    state.add('queueTotal', 0, 1);
    state.store('queueRecord', 5, recordWord(QueueSlot.Granted, 1, dead, 7));

    const primary = new Semaphore(state, 0, OPTIONS);
    const done = jest.fn();
    primary.enqueue(0, done);
    expect(reclaimWorkerPermits(state, dead)).toBe(2);
    await settle();

    expect(done).toHaveBeenCalledWith(null);
    primary.release();
    expect(queueCounters(state)).toEqual(idleCounters(state));
  });

  test('records and permits of other workers are left alone', () => {
    const state = SharedState.create(testDims(), 2);
    const alive = new Semaphore(state, 1, OPTIONS);
    alive.tryAcquire(1);
    alive.tryAcquire(1);
    const ticket = alive.enqueue(1, jest.fn())!;

    expect(reclaimWorkerPermits(state, 2)).toBe(0);
    expect(queueCounters(state)).toMatchObject({ free: 0, held: [0, 2, 0, 0], total: 1 });
    expect(state.load('queueWaiting', 1)).toBe(1);
    ticket.cancel();
    alive.release();
    alive.release();
    expect(queueCounters(state)).toEqual(idleCounters(state));
  });
});
