import type { Worker } from 'node:worker_threads';
import { SharedState } from '../../src/shared/state';
import { testDims } from '../fixtures/helpers';
import { idleCounters, queueCounters } from '../fixtures/queue';
import type { StressData, StressReport } from '../fixtures/semaphore-stress-worker';
import { nextMessage, startFixture } from '../fixtures/workers';

const WORKERS = 4;
const TASKS = 3; // concurrent loops per worker: 12 contenders
const ROUNDS = 60;

describe('concurrent acquire and release from 4 workers never exceed capacity', () => {
  let threads: Worker[] = [];
  afterEach(async () => {
    await Promise.all(threads.map((t) => t.terminate()));
    threads = [];
  });

  test.each([1, 3, 5])(
    'capacity %i: at most that many held at once, all back at the end',
    async (capacity) => {
      const dims = testDims({ workers: WORKERS, queueSlots: 64 });
      const state = SharedState.create(dims, capacity);
      const probe = new SharedArrayBuffer(8);
      threads = Array.from({ length: WORKERS }, (_, index) => {
        const data: StressData = {
          buffer: state.buffer,
          dims,
          probe,
          index,
          seed: 1000 * capacity + index,
          tasks: TASKS,
          rounds: ROUNDS,
          maxHoldMs: 2,
        };
        return startFixture('semaphore-stress-worker.ts', data);
      });

      const reports = await Promise.all(threads.map((t) => nextMessage<StressReport>(t)));
      const mostHeld = Atomics.load(new Int32Array(probe), 1);
      expect(reports.map((r) => r.errors)).toEqual([[], [], [], []]);
      expect(reports.map((r) => r.granted)).toEqual(new Array(WORKERS).fill(TASKS * ROUNDS));
      expect(mostHeld).toBeLessThanOrEqual(capacity);
      expect(mostHeld).toBe(capacity); // 12 contenders: the limit was reached, so it was tested
      expect(queueCounters(state)).toEqual(idleCounters(state));
    },
  );
});
