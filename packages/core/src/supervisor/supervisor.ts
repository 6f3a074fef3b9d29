import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Worker } from 'node:worker_threads';
import { reclaimWorkerBackends, type Backend } from '../backend';
import type { Config } from '../config/load';
import { logEvent, type Logger } from '../log';
import { pumpQueue, reclaimWorkerPermits } from '../semaphore';
import type { LayoutDims } from '../shared/layout';
import { SharedState } from '../shared/state';
import { createDispatcher, type Dispatcher } from './dispatcher';
import type { DispatchMode, FromWorker, ToWorker, WorkerInit } from './messages';

/** Priority classes of the queue, highest first. */
export const PRIORITY_CLASSES = ['high', 'normal', 'low'] as const;

export interface SupervisorOptions {
  config: Config;
  /** The worker script: a file that calls runWorker(). `.ts` files run through tsx. */
  workerEntry: string;
  log: Logger;
}

interface WorkerSlot {
  index: number;
  thread: Worker | undefined;
  ready: boolean;
  restarts: number;
  lastStart: number;
}

/**
 * The primary thread: owns the shared buffer, the listener and the worker threads. Restarts a
 * worker that dies (after returning everything it held) and stops gracefully on request.
 */
export class Supervisor {
  readonly state: SharedState;
  readonly backends: Backend[];
  private readonly workers: WorkerSlot[];
  private dispatcher: Dispatcher | undefined;
  private stopping = false;
  private pumpTimer: NodeJS.Timeout | undefined;
  private readonly exited = new Set<() => void>();

  constructor(private readonly options: SupervisorOptions) {
    const { config } = options;
    this.state = SharedState.create(layoutDims(config), config.maxConnections);
    this.backends = config.backends.map((b, slot) => ({ ...b, slot }));
    this.workers = Array.from({ length: config.workers }, (_, index) => ({
      index,
      thread: undefined,
      ready: false,
      restarts: 0,
      lastStart: 0,
    }));
  }

  get dispatchMode(): DispatchMode | undefined {
    return this.dispatcher?.mode;
  }

  get port(): number {
    return this.dispatcher?.port ?? 0;
  }

  /** Binds the listener and starts every worker; resolves when all are ready. */
  async start(): Promise<void> {
    const { config } = this.options;
    const host = await resolveHost(config.listen.host);
    this.dispatcher = await createDispatcher(
      chooseDispatch(config),
      host,
      config.listen.port,
      this.state,
      {
        liveWorkers: () => this.workers.filter((w) => w.ready).map((w) => w.index),
        post: (w, slot) =>
          this.workers[w]!.thread?.postMessage({ type: 'connection', slot } satisfies ToWorker),
      },
    );
    await Promise.all(this.workers.map((w) => this.spawn(w)));
    // Safety net: a permit freed in the instant a waiter's count ran ahead of its record is
    // handed on here at the latest. pumpQueue returns at once when nobody waits.
    this.pumpTimer = setInterval(() => pumpQueue(this.state), 250);
    this.pumpTimer.unref();
  }

  /** Per-worker view for the admin API. */
  workerStats(): {
    index: number;
    alive: boolean;
    connections: number;
    permits: number;
    restarts: number;
  }[] {
    return this.workers.map((w) => ({
      index: w.index,
      alive: w.ready,
      connections: this.state.load('workerActive', w.index),
      permits: this.state.load('permitsHeld', w.index),
      restarts: w.restarts,
    }));
  }

  /** Test and admin hook: the thread of worker `index`. */
  thread(index: number): Worker | undefined {
    return this.workers[index]?.thread;
  }

  /**
   * Stops accepting, lets open connections finish for up to `graceMs`, then ends the workers
   * that are still busy. Resolves when every worker has exited.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    clearInterval(this.pumpTimer);
    await this.dispatcher?.close();
    const live = this.workers.filter((w) => w.thread);
    const allExited = Promise.all(
      live.map((w) => new Promise<void>((r) => w.thread!.once('exit', () => r()))),
    );
    for (const w of live) w.thread!.postMessage({ type: 'drain' } satisfies ToWorker);
    const timer = setTimeout(() => {
      for (const w of this.workers) void w.thread?.terminate();
    }, graceMs);
    await allExited;
    clearTimeout(timer);
  }

  private spawn(slot: WorkerSlot): Promise<void> {
    const { config, workerEntry, log } = this.options;
    const init: WorkerInit = {
      index: slot.index,
      buffer: this.state.buffer,
      dims: this.state.dims,
      config,
      backends: this.backends,
      dispatch: this.dispatcher!.mode,
      listenFd: this.dispatcher!.workerListenFd(),
    };
    // Left undefined, execArgv inherits the process's Node options (--cpu-prof applies per
    // thread); an explicit list is re-parsed and refuses process-wide V8 flags.
    const execArgv = workerEntry.endsWith('.ts') ? ['--require', 'tsx/cjs'] : undefined;
    const thread = new Worker(workerEntry, { workerData: init, execArgv });
    slot.thread = thread;
    slot.lastStart = Date.now();
    return new Promise((resolve) => {
      thread.on('message', (msg: FromWorker) => {
        if (msg.type !== 'ready') return;
        slot.ready = true;
        resolve();
      });
      thread.on('error', (err) =>
        logEvent(log, 'worker.exit', { worker: slot.index, err }, 'worker failed'),
      );
      thread.once('exit', (code) => {
        this.onExit(slot, code);
        resolve();
      });
    });
  }

  /** After a worker's exit event: nothing of it can run any more, so reclaiming is safe. */
  private onExit(slot: WorkerSlot, code: number): void {
    slot.ready = false;
    slot.thread = undefined;
    const permits = reclaimWorkerPermits(this.state, slot.index);
    const backendUnits = reclaimWorkerBackends(this.state, slot.index);
    this.dispatcher?.reclaim(slot.index);
    this.state.store('workerActive', slot.index, 0);
    const clients = Atomics.exchange(
      this.state.i32,
      this.state.index('clientsHeld', slot.index),
      0,
    );
    if (clients !== 0) this.state.add('clientsAdmitted', 0, -clients);
    for (const notify of this.exited) notify();
    if (this.stopping) return;
    const fields = { worker: slot.index, code, permits, backendUnits };
    logEvent(this.options.log, 'worker.exit', fields, 'worker exited; restarting it');
    slot.restarts++;
    // A worker that dies at once again is restarted with a growing delay, up to 5 s.
    const delay =
      Date.now() - slot.lastStart < 1000
        ? Math.min(5000, 100 * 2 ** Math.min(slot.restarts, 6))
        : 0;
    setTimeout(() => {
      if (!this.stopping) void this.spawn(slot);
    }, delay).unref();
  }

  /** Resolves on the next worker exit (tests use it to wait for a restart). */
  nextExit(): Promise<void> {
    return new Promise((resolve) => {
      const once = () => {
        this.exited.delete(once);
        resolve();
      };
      this.exited.add(once);
    });
  }
}

function layoutDims(config: Config): LayoutDims {
  return {
    workers: config.workers,
    backends: Math.max(64, config.backends.length),
    classes: PRIORITY_CLASSES.length,
    queueSlots: Math.max(1, config.maxQueue),
    handoffSlots: 4096,
  };
}

/**
 * auto: the shared listener. It costs the primary nothing per connection, where a handoff costs
 * about 20 µs (packages/bench measures both); handoff is there for exact least-busy placement.
 */
function chooseDispatch(config: Config): DispatchMode {
  return config.dispatch === 'handoff' ? 'handoff' : 'shared';
}

async function resolveHost(host: string): Promise<string> {
  if (isIP(host)) return host;
  return (await lookup(host)).address;
}
