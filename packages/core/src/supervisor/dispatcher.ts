import { createServer, type Server, type Socket } from 'node:net';
import { LbError } from '../errors';
import { fdutil } from '../native';
import type { SharedState } from '../shared/state';
import { HandoffSlots } from './handoff';
import type { DispatchMode } from './messages';

/**
 * How accepted client connections reach worker threads. Two strategies behind one interface:
 *
 * - handoff: the primary accepts (paused, never reading), duplicates the fd, closes its own copy
 *   and posts the duplicate to the worker with the fewest open connections. Placement is exact;
 *   the price is about 20 µs of primary CPU per connection.
 * - shared: every worker accepts on its own duplicate of one listening socket that the primary
 *   created without a JS handle, so the primary never accepts. No per-connection cost in the
 *   primary; the kernel decides placement (evened by UV_TCP_SINGLE_ACCEPT=1).
 */
export interface Dispatcher {
  readonly mode: DispatchMode;
  /** The bound port (useful when the config asked for port 0). */
  readonly port: number;
  /** What a new worker needs in its workerData (shared: its own listening fd). */
  workerListenFd(): number | undefined;
  /** A worker died: take back what was in flight to it. */
  reclaim(worker: number): void;
  /** Stop accepting. Open connections are left alone. */
  close(): Promise<void>;
}

export interface DispatchTarget {
  /** Indices of workers that can take a connection now. */
  liveWorkers(): number[];
  post(worker: number, slot: number): void;
}

export async function createDispatcher(
  mode: DispatchMode,
  host: string,
  port: number,
  state: SharedState,
  target: DispatchTarget,
): Promise<Dispatcher> {
  return mode === 'handoff'
    ? HandoffDispatcher.listen(host, port, state, target)
    : SharedDispatcher.listen(host, port);
}

class HandoffDispatcher implements Dispatcher {
  readonly mode = 'handoff' as const;
  private readonly slots: HandoffSlots;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly state: SharedState,
    private readonly target: DispatchTarget,
  ) {
    this.slots = new HandoffSlots(state);
  }

  static async listen(
    host: string,
    port: number,
    state: SharedState,
    target: DispatchTarget,
  ): Promise<HandoffDispatcher> {
    const server = createServer({ pauseOnConnect: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) =>
        reject(new LbError('LB_ERR_LISTEN', { address: `${host}:${port}`, reason: err.message })),
      );
      server.listen({ host, port, backlog: 511 }, resolve);
    });
    const bound = (server.address() as { port: number }).port;
    const dispatcher = new HandoffDispatcher(server, bound, state, target);
    server.on('connection', (socket) => dispatcher.dispatch(socket));
    return dispatcher;
  }

  workerListenFd(): undefined {
    return undefined;
  }

  /** Hands `socket` to the least busy live worker; closes it if no worker can take it. */
  private dispatch(socket: Socket): void {
    const worker = this.leastBusy();
    const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
    if (worker < 0 || fd === undefined || fd < 0) {
      socket.destroy();
      return;
    }
    const copy = fdutil().dup(fd);
    const slot = this.slots.put(copy, worker);
    // Our copy goes at once; the connection lives on through the duplicate.
    socket.destroy();
    if (slot < 0) {
      fdutil().close(copy);
      return;
    }
    this.state.add('workerActive', worker, 1);
    this.target.post(worker, slot);
  }

  private leastBusy(): number {
    let best = -1;
    let bestActive = Infinity;
    for (const w of this.target.liveWorkers()) {
      const active = this.state.load('workerActive', w);
      if (active < bestActive) {
        best = w;
        bestActive = active;
      }
    }
    return best;
  }

  reclaim(worker: number): void {
    for (const fd of this.slots.reclaim(worker)) fdutil().close(fd);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

class SharedDispatcher implements Dispatcher {
  readonly mode = 'shared' as const;
  private closed = false;

  private constructor(
    private readonly fd: number,
    readonly port: number,
  ) {}

  static async listen(host: string, port: number): Promise<SharedDispatcher> {
    try {
      const [fd, bound] = fdutil().listenTcp(host, port, 511);
      return new SharedDispatcher(fd, bound);
    } catch (err) {
      throw new LbError('LB_ERR_LISTEN', {
        address: `${host}:${port}`,
        reason: (err as Error).message,
      });
    }
  }

  workerListenFd(): number {
    return fdutil().dup(this.fd);
  }

  reclaim(): void {
    // A dead worker's listening duplicate was closed with its thread; nothing was in flight.
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    fdutil().close(this.fd);
  }
}
