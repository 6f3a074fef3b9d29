import type { Worker } from 'node:worker_threads';
import { Semaphore } from '../../src/semaphore';
import { SharedState } from '../../src/shared/state';
import { testDims, until } from '../fixtures/helpers';
import { idleCounters, queueCounters } from '../fixtures/queue';
import { startFixture } from '../fixtures/workers';

describe('a worker whose only work is a queued acquire still receives its grant', () => {
  let thread: Worker | undefined;
  afterEach(async () => {
    await thread?.terminate();
    thread = undefined;
  });

  test('the pending wait keeps the worker alive until the permit arrives', async () => {
    const dims = testDims();
    const state = SharedState.create(dims, 1);
    const primary = new Semaphore(state, 0, { maxQueue: 4, timeoutMs: 60000 });
    primary.tryAcquire(0);
    thread = startFixture('queued-only-worker.ts', { buffer: state.buffer, dims, index: 1 });
    const messages: unknown[] = [];
    let exited = false;
    thread.on('message', (m) => messages.push(m));
    thread.once('exit', () => (exited = true));

    await until(() => state.load('queueWaiting', 1) === 1 || exited);
    // Give a worker with nothing holding its loop open the turns it needs to end.
    for (let k = 0; k < 20 && !exited; k++) await new Promise((r) => setTimeout(r, 5));
    expect(exited).toBe(false);

    primary.release();
    await until(() => messages.length > 0 || exited);
    expect(messages).toEqual([{ op: 'granted' }]);
    await until(() => exited); // with the grant used, nothing keeps it alive any more
    expect(queueCounters(state)).toEqual(idleCounters(state));
  });
});
