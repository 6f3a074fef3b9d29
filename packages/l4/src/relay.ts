import { connect, type Socket } from 'node:net';
import {
  formatHost,
  LbError,
  logEvent,
  normaliseAddress,
  type Backend,
  type ConnectionHandler,
  type QueueTicket,
  type RoomWaiter,
  type WorkerContext,
} from '@lb/core';

/** L4 traffic runs in the middle priority class; QoS rules are an L7 feature. */
const NORMAL_CLASS = 1;
/** Bytes a queued client may send before we stop reading it (TCP backpressure takes over). */
const QUEUED_BYTES_LIMIT = 64 * 1024;

/** The L4 worker: one Relay per client connection. */
export class L4Handler implements ConnectionHandler {
  constructor(private readonly ctx: WorkerContext) {}

  handle(socket: Socket): void {
    new Relay(this.ctx, socket).start();
  }
}

/**
 * One proxied TCP connection, through four phases: wait for a permit (reading and holding what
 * the client sends meanwhile), connect to a backend (trying the next one on failure), relay
 * both ways with half-close, and finish. The permit and the backend's count are released in
 * `finish`, which runs once, when both sockets have closed, whatever the path.
 */
class Relay implements RoomWaiter {
  private upstream: Socket | undefined;
  private backend: Backend | undefined;
  private ticket: QueueTicket | null = null;
  private hasPermit = false;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private clientEnded = false;
  private clientClosed = false;
  private upstreamClosed = true;
  private finished = false;
  private tried: Set<number> | undefined;
  /** The current upstream finished its TCP handshake (Node clears `connecting` before errors). */
  private connected = false;
  /** The client is read and held (queued, or waiting for room on a full backend). */
  private holding = false;
  /** Gives up waiting for room on a full backend (see `waitForRoom`). */
  private roomTimer: NodeJS.Timeout | undefined;
  /** When the connection joined the permit queue (0: it got a permit at once). */
  private queuedAt = 0;

  constructor(
    private readonly ctx: WorkerContext,
    private readonly client: Socket,
  ) {}

  start(): void {
    const client = this.client;
    client.setNoDelay(true);
    client.on('error', (err) => this.onClientError(err));
    client.once('close', () => {
      this.clientClosed = true;
      this.onClientGone();
    });
    if (this.ctx.semaphore.tryAcquire(NORMAL_CLASS)) {
      this.hasPermit = true;
      this.connectNext();
      return;
    }
    this.holdClientWhileQueued();
    this.queuedAt = Date.now();
    this.ticket = this.ctx.semaphore.enqueue(NORMAL_CLASS, (err) => this.onQueueResult(err));
  }

  // Phase 1: queued (for a permit, or for room on a backend). Read what the client sends so its
  // hang-up is seen, up to a bound.
  private holdClientWhileQueued(): void {
    if (this.holding) return;
    this.holding = true;
    this.client.on('data', this.onQueuedData);
    this.client.once('end', this.onQueuedEnd);
    this.client.resume();
  }

  private readonly onQueuedData = (chunk: Buffer): void => {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= QUEUED_BYTES_LIMIT) this.client.pause();
  };

  // A FIN while queued is a half-close, not an abort: the request is complete, keep waiting.
  private readonly onQueuedEnd = (): void => {
    this.clientEnded = true;
  };

  private onQueueResult(err: LbError | null): void {
    this.ticket = null;
    if (err) {
      logEvent(this.ctx.log, 'client.rejected', { code: err.code }, err.message);
      this.client.destroy();
      return;
    }
    this.hasPermit = true;
    if (this.clientClosed) return this.finish();
    this.connectNext();
  }

  // Phase 2: connect, trying other backends after a failure (bounded by `retries`).
  private connectNext(): void {
    const ctx = this.ctx;
    const now = Date.now();
    const backend = ctx.balancer.pick({
      clientKey:
        ctx.balancer.algorithm === 'ip-hash' ? normaliseAddress(this.client.remoteAddress) : '',
      exclude: this.tried,
      now,
    });
    if (!backend) {
      // Up but all at their maxConnections: wait for room, holding the permit.
      if (ctx.backends.anyEligible(now, this.tried)) return this.waitForRoom();
      return this.failClient(new LbError('LB_ERR_NO_HEALTHY_BACKEND'));
    }
    if (this.roomTimer !== undefined) this.stopWaitingForRoom();
    this.backend = backend;
    this.upstreamClosed = false;
    const upstream = connect({
      host: backend.host,
      port: backend.port,
      noDelay: true,
      allowHalfOpen: true,
    });
    this.upstream = upstream;
    // One timer per socket: the connect deadline first, the idle timeout once connected.
    upstream.setTimeout(ctx.config.timeouts.connectMs);
    upstream.on('timeout', () => this.onUpstreamTimeout(upstream));
    upstream.once('connect', () => this.onConnected(upstream));
    upstream.on('error', (err: NodeJS.ErrnoException) => this.onUpstreamError(upstream, err));
    upstream.once('close', () => this.onUpstreamClose(upstream));
  }

  /**
   * Reads and holds the client (to see it leave) until a backend has room; queueTimeoutMs bounds
   * the whole wait, for a permit and then for room.
   */
  private waitForRoom(): void {
    if (this.roomTimer !== undefined) return;
    this.holdClientWhileQueued();
    const timeoutMs = this.ctx.config.queueTimeoutMs;
    const left = this.queuedAt === 0 ? timeoutMs : this.queuedAt + timeoutMs - Date.now();
    this.roomTimer = setTimeout(
      () => {
        this.stopWaitingForRoom();
        this.failClient(new LbError('LB_ERR_BACKENDS_FULL', { timeoutMs }));
      },
      Math.max(1, left),
    );
    this.ctx.backendWait.add(this);
  }

  private stopWaitingForRoom(): void {
    clearTimeout(this.roomTimer);
    this.roomTimer = undefined;
    this.ctx.backendWait.delete(this);
  }

  retryPick(): void {
    if (this.finished || this.clientClosed || this.roomTimer === undefined) {
      return this.stopWaitingForRoom();
    }
    this.connectNext();
  }

  private onConnectFailed(upstream: Socket, reason: string): void {
    if (upstream !== this.upstream || this.connected) return;
    const backend = this.backend!;
    const ctx = this.ctx;
    this.upstream = undefined;
    this.backend = undefined;
    upstream.removeAllListeners('close');
    upstream.destroy();
    this.upstreamClosed = true;
    ctx.backends.release(backend);
    ctx.backendWait.wake();
    if (
      ctx.backends.recordFailure(
        backend,
        Date.now(),
        ctx.config.passive.maxFailures,
        ctx.config.passive.ejectMs,
      )
    ) {
      logEvent(
        ctx.log,
        'backend.state',
        {
          backend: backend.id,
          from: 'up',
          to: 'ejected',
          cause: `${ctx.config.passive.maxFailures} connects failed in a row: ${reason}`,
        },
        `backend ${backend.id} ejected`,
      );
    }
    (this.tried ??= new Set()).add(backend.slot);
    const address = `${formatHost(backend.host)}:${backend.port}`;
    if (this.clientClosed) return this.finish();
    if (this.tried.size > ctx.config.retries) {
      return this.failClient(new LbError('LB_ERR_BACKEND_CONNECT', { backend: address, reason }));
    }
    logEvent(
      ctx.log,
      'backend.retry',
      { backend: backend.id, reason },
      'connect failed; trying another backend',
    );
    this.connectNext();
  }

  // Phase 3: relay both ways. A FIN in one direction is passed on; the other keeps flowing.
  private onConnected(upstream: Socket): void {
    if (upstream !== this.upstream) return;
    this.connected = true;
    const { client, ctx } = this;
    ctx.backends.recordSuccess(this.backend!);
    if (this.clientClosed) return void upstream.destroy();
    client.removeListener('data', this.onQueuedData);
    client.removeListener('end', this.onQueuedEnd);
    for (const chunk of this.pending) upstream.write(chunk);
    this.pending = [];
    upstream.setTimeout(ctx.config.timeouts.idleMs);
    client.setTimeout(ctx.config.timeouts.idleMs, () => this.onIdle());
    pipeOneWay(client, upstream);
    pipeOneWay(upstream, client);
    if (this.clientEnded) upstream.end();
    else client.once('end', () => upstream.end());
    upstream.once('end', () => client.end());
    client.resume();
  }

  private onUpstreamTimeout(upstream: Socket): void {
    if (this.connected) this.onIdle();
    else this.onConnectFailed(upstream, 'timeout');
  }

  private onUpstreamError(upstream: Socket, err: NodeJS.ErrnoException): void {
    if (!this.connected) return this.onConnectFailed(upstream, err.code ?? err.message);
    const backend = this.backend?.id;
    logEvent(
      this.ctx.log,
      'backend.abort',
      { backend, code: err.code },
      'backend connection broke',
    );
    reset(this.client);
  }

  private onUpstreamClose(upstream: Socket): void {
    if (upstream !== this.upstream) return;
    this.upstreamClosed = true;
    // Abnormal close of the backend side ends the client too; a clean end was already relayed.
    if (!this.clientClosed && (upstream.errored || !upstream.readableEnded)) reset(this.client);
    this.maybeFinish();
  }

  private onClientError(err: NodeJS.ErrnoException): void {
    logEvent(this.ctx.log, 'client.abort', { code: err.code }, 'client connection failed');
    if (this.upstream) reset(this.upstream);
  }

  private onClientGone(): void {
    if (this.ticket) {
      this.ticket.cancel();
      this.ticket = null;
    }
    const upstream = this.upstream;
    if (
      upstream &&
      !upstream.destroyed &&
      (this.client.errored || upstream.connecting || !this.client.readableEnded)
    ) {
      if (this.client.errored) reset(upstream);
      else upstream.destroy();
    }
    this.maybeFinish();
  }

  private onIdle(): void {
    const timeoutMs = this.ctx.config.timeouts.idleMs;
    logEvent(
      this.ctx.log,
      'client.abort',
      { code: 'LB_ERR_IDLE_TIMEOUT', timeoutMs },
      'connection idle; closing',
    );
    this.client.destroy();
    this.upstream?.destroy();
  }

  private failClient(err: LbError): void {
    logEvent(this.ctx.log, 'backend.failed', { code: err.code }, err.message);
    this.client.destroy();
  }

  private maybeFinish(): void {
    if (this.clientClosed && this.upstreamClosed) this.finish();
  }

  // Phase 4: exactly once, after both sockets are gone.
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.roomTimer !== undefined) this.stopWaitingForRoom();
    if (this.hasPermit) this.ctx.semaphore.release();
    if (this.backend) {
      this.ctx.backends.release(this.backend);
      this.ctx.backendWait.wake();
    }
  }
}

/** Copies `from` into `to` with backpressure: a full write buffer pauses the reader. */
function pipeOneWay(from: Socket, to: Socket): void {
  from.on('data', (chunk: Buffer) => {
    if (!to.write(chunk)) from.pause();
  });
  to.on('drain', () => from.resume());
}

/**
 * Passes an abort on as an abort: a reset on one side becomes a reset (RST) on the other, so a
 * cut-off transfer never looks complete to the peer, as a plain FIN would make it.
 */
function reset(socket: Socket): void {
  if (socket.destroyed) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}
