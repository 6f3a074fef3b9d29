import { Semaphore } from '../../src/semaphore';
import { SharedState } from '../../src/shared/state';
import { testDims, until } from '../fixtures/helpers';
import { idleCounters, queueCounters } from '../fixtures/queue';
import { SemaphoreWorker } from '../fixtures/workers';

const HIGH = 0;
const NORMAL = 1;
const LOW = 2;

describe('the queue serves by class, then by arrival, across workers', () => {
  let workers: SemaphoreWorker[] = [];
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.terminate()));
    workers = [];
  });

  test.each([
    {
      name: 'low, normal, high, normal',
      arrivals: [LOW, NORMAL, HIGH, NORMAL],
      grants: ['w3', 'w2', 'w4', 'w1'],
    },
    {
      name: 'all normal keep arrival order',
      arrivals: [NORMAL, NORMAL, NORMAL, NORMAL],
      grants: ['w1', 'w2', 'w3', 'w4'],
    },
    {
      name: 'high arriving last still goes first',
      arrivals: [LOW, LOW, NORMAL, HIGH],
      grants: ['w4', 'w3', 'w1', 'w2'],
    },
  ])('$name', async ({ arrivals, grants }) => {
    const dims = testDims({ workers: 5 });
    const state = SharedState.create(dims, 1);
    const primary = new Semaphore(state, 0, { maxQueue: 8, timeoutMs: 60000 });
    expect(primary.tryAcquire(HIGH)).toBe(true);
    const options = { buffer: state.buffer, dims, maxQueue: 8, timeoutMs: 60000 };
    workers = [1, 2, 3, 4].map((index) => new SemaphoreWorker({ ...options, index }));

    // Each enqueue is acknowledged before the next is sent, so arrival order is known.
    for (const [k, cls] of arrivals.entries()) {
      const reply = await workers[k]!.send({ op: 'enqueue', cls, id: `w${k + 1}` });
      expect(reply).toEqual({ op: 'queued', id: `w${k + 1}`, ok: true });
    }

    const order: string[] = [];
    let holder: SemaphoreWorker | undefined;
    for (let round = 0; round < arrivals.length; round++) {
      if (holder) await holder.send({ op: 'release' });
      else primary.release();
      await until(() => workers.some((w) => w.pending.some((r) => r.op === 'granted')));
      const granted = workers.filter((w) => w.pending.some((r) => r.op === 'granted'));
      expect(granted).toHaveLength(1); // capacity 1: one grant per release
      holder = granted[0]!;
      const report = await holder.next((r) => r.op === 'granted');
      order.push((report as { id: string }).id);
    }
    await holder!.send({ op: 'release' });

    expect(order).toEqual(grants);
    expect(queueCounters(state)).toEqual(idleCounters(state));
  });
});
