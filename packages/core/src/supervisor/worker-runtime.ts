import { createServer, Socket, type Server } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { createBalancer, type Balancer } from '../balancer/index';
import { BackendSet, type Backend } from '../backend';
import { BackendWaitList } from '../backend-wait';
import type { Config } from '../config/load';
import { createLogger, logEvent, type Logger } from '../log';
import { Semaphore } from '../semaphore';
import { SharedState } from '../shared/state';
import { takeHandoff } from './handoff';
import type { FromWorker, ToWorker, WorkerInit } from './messages';

/** What a worker's protocol handler can use; one per worker thread. */
export interface WorkerContext {
  index: number;
  config: Config;
  state: SharedState;
  semaphore: Semaphore;
  log: Logger;
  /** Current backends and balancer; replaced when the backend set changes. */
  backends: BackendSet;
  balancer: Balancer;
  /** Work waiting for room on a backend at its `maxConnections`; wake it after a release. */
  backendWait: BackendWaitList;
}

/** The protocol side of a worker (L4 relay, L7 proxy). */
export interface ConnectionHandler {
  /** Takes ownership of an accepted client socket. */
  handle(socket: Socket): void;
}

/**
 * Runs inside a worker thread: attaches to shared state, receives client sockets from the
 * primary (handoff) or accepts them itself (shared listener), and passes each to the handler.
 * On 'drain' it stops taking connections and exits once the last one has closed.
 */
export function runWorker(makeHandler: (ctx: WorkerContext) => ConnectionHandler): void {
  const init = workerData as WorkerInit;
  const port = parentPort!;
  const state = SharedState.attach(init.buffer, init.dims);
  const ctx = createContext(init, state);
  const handler = makeHandler(ctx);
  const open = new Set<Socket>();
  let draining = false;
  let server: Server | undefined;

  const admit = (socket: Socket, countedByPrimary: boolean): void => {
    if (!countedByPrimary) state.add('workerActive', init.index, 1);
    state.add64('connectionsTotal', 0, 1);
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      state.add('workerActive', init.index, -1);
      if (draining && open.size === 0) finish();
    });
    handler.handle(socket);
  };

  const finish = (): void => {
    port.postMessage({ type: 'drained' } satisfies FromWorker);
    setImmediate(() => process.exit(0));
  };

  if (init.dispatch === 'shared') {
    server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (s) => admit(s, false));
    server.listen({ fd: init.listenFd! });
  }

  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'connection') {
      const fd = takeHandoff(state, msg.slot);
      if (fd < 0) return;
      admit(new Socket({ fd, readable: true, writable: true, allowHalfOpen: true }), true);
    } else if (msg.type === 'backends') {
      ctx.backends = new BackendSet(state, init.index, msg.backends);
      ctx.balancer = createBalancer(init.config.algorithm, ctx.backends);
      ctx.backendWait.wake(); // a new set may have room, or none eligible at all
    } else if (msg.type === 'drain') {
      draining = true;
      server?.close();
      if (open.size === 0) finish();
    }
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}

function createContext(init: WorkerInit, state: SharedState): WorkerContext {
  const config = init.config;
  const backends = new BackendSet(state, init.index, init.backends);
  const log = createLogger(config.log.level, { worker: init.index });
  logEvent(log, 'lifecycle', { dispatch: init.dispatch }, 'worker started');
  return {
    index: init.index,
    config,
    state,
    log,
    semaphore: new Semaphore(state, init.index, {
      maxQueue: config.maxQueue,
      timeoutMs: config.queueTimeoutMs,
    }),
    backends,
    balancer: createBalancer(config.algorithm, backends),
    backendWait: new BackendWaitList(),
  };
}

export type { Backend };
