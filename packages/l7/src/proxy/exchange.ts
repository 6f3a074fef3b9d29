import { LbError, logEvent, type Backend, type QueueTicket, type RoomWaiter } from '@lb/core';
import {
  FAILED,
  buildClientResponseHead,
  buildForwardRequestHead,
  renderCodecError,
  type RequestHead,
  type ResponseHead,
} from '../http/index';
import { clientKeyOf } from './client-address';
import { addressOf, errorResponse } from './error-response';
import { countFailure } from './backend-failure';
import { RequestBody } from './request-body';
import { RelayStep, ResponseRelay } from './response-relay';
import { PAUSE_HELD, PAUSE_UPSTREAM, type ExchangeHost } from './exchange-host';
import type { Expiring } from './sweeper';
import { Tunnel } from './tunnel';
import type { UpstreamConnection, UpstreamOwner } from './upstream-pool';

/** L7 requests run in the middle priority class until QoS rules exist. */
const NORMAL_CLASS = 1;
/** Methods a retry cannot make take effect twice (RFC 9110 section 9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);

/**
 * One request and its response, in order: permit (at once or queued), backend pick, a pooled or
 * new connection, forward the head and stream the body, relay interim responses, frame and
 * stream the final response, then give the connection back to the pool. `finish` releases the
 * permit and the backend's count exactly once on every path.
 */
export class Exchange implements UpstreamOwner, Expiring, RoomWaiter {
  deadline = 0;
  /** The client's request body has been seen to its end. */
  requestDone: boolean;

  private readonly body: RequestBody;
  private readonly forwardHead: Buffer;
  private ticket: QueueTicket | null = null;
  private hasPermit = false;
  private backend: Backend | undefined;
  private tried: Set<number> | undefined;
  private lastError: LbError | undefined;
  private upstream: UpstreamConnection | undefined;
  /** The head has been written to the current upstream connection. */
  private writing = false;
  private retriedReuse = false;
  private upstreamBytes = 0;
  private readonly relay: ResponseRelay;
  private bodyDeadline = 0;
  private upstreamDeadline = 0;
  /** Waiting for room on a full backend until then (0: not waiting). */
  private roomDeadline = 0;
  /** The upstream's completed client writes when the response deadline was last armed. */
  private flushMark = 0;
  /** When the request joined the permit queue (0: it got a permit at once). */
  private queuedAt = 0;
  private finished = false;

  constructor(
    private readonly host: ExchangeHost,
    readonly head: RequestHead,
  ) {
    this.body = new RequestBody(head);
    this.requestDone = this.body.framer.done;
    this.relay = new ResponseRelay(head, host.socket);
    this.forwardHead = buildForwardRequestHead(head, {
      clientAddress: host.peer,
      proto: 'http',
      trustForwarded: host.proxy.trusted.has(host.peer),
      forwarded: host.proxy.http.forwarded,
      tunnel: head.upgrade !== undefined,
    });
  }

  // Phase 1: a permit. Only in-flight requests hold one; an idle keep-alive client holds none.
  start(): void {
    if (!this.requestDone) this.armBody();
    const semaphore = this.host.proxy.worker.semaphore;
    if (semaphore.tryAcquire(NORMAL_CLASS)) {
      this.hasPermit = true;
      return this.pickBackend();
    }
    this.queuedAt = Date.now();
    this.ticket = semaphore.enqueue(NORMAL_CLASS, (err) => this.onQueueResult(err));
  }

  private onQueueResult(err: LbError | null): void {
    this.ticket = null;
    if (this.finished) {
      if (err === null) this.host.proxy.worker.semaphore.release();
      return;
    }
    if (err !== null) return this.fail(err);
    this.hasPermit = true;
    this.pickBackend();
  }

  // Phase 2: a backend and a connection to it (pooled first, else new).
  private pickBackend(): void {
    const worker = this.host.proxy.worker;
    const now = Date.now();
    const backend = worker.balancer.pick({
      clientKey:
        worker.balancer.algorithm === 'ip-hash'
          ? clientKeyOf(this.host.peer, this.head, this.host.proxy.trusted)
          : '',
      exclude: this.tried,
      now,
    });
    if (backend === null) {
      // Backends that are up but all at their maxConnections: wait for room, with the permit.
      if (worker.backends.anyEligible(now, this.tried)) return this.waitForRoom(now);
      return this.fail(this.lastError ?? new LbError('LB_ERR_NO_HEALTHY_BACKEND'));
    }
    if (this.roomDeadline !== 0) this.stopWaitingForRoom();
    this.backend = backend;
    const pooled = this.host.proxy.pool.take(backend);
    if (pooled === undefined) return this.openFresh(backend);
    pooled.owner = this;
    this.upstream = pooled;
    this.sendRequest();
  }

  /** Waits for room; queueTimeoutMs bounds the whole wait, for a permit and then for room. */
  private waitForRoom(now: number): void {
    if (this.roomDeadline !== 0) return;
    const since = this.queuedAt === 0 ? now : this.queuedAt;
    this.roomDeadline = Math.max(now + 1, since + this.host.proxy.worker.config.queueTimeoutMs);
    this.syncDeadline();
    this.host.proxy.worker.backendWait.add(this);
  }

  private stopWaitingForRoom(): void {
    this.roomDeadline = 0;
    this.syncDeadline();
    this.host.proxy.worker.backendWait.delete(this);
  }

  retryPick(): void {
    if (this.finished || this.roomDeadline === 0) {
      this.host.proxy.worker.backendWait.delete(this);
      return;
    }
    this.pickBackend();
  }

  private openFresh(backend: Backend): void {
    this.upstream = this.host.proxy.pool.open(backend, this);
    this.writing = false;
    this.upstreamDeadline = Date.now() + this.host.proxy.worker.config.timeouts.connectMs;
    this.syncDeadline();
  }

  onUpstreamConnect(): void {
    this.host.proxy.worker.backends.recordSuccess(this.backend!);
    this.sendRequest();
  }

  /** A connect failed or timed out: count it against the backend and try the next one. */
  private connectFailed(reason: string): void {
    const worker = this.host.proxy.worker;
    const backend = this.backend!;
    this.backend = undefined;
    worker.backends.release(backend);
    this.host.proxy.worker.backendWait.wake();
    countFailure(worker, backend, reason);
    (this.tried ??= new Set()).add(backend.slot);
    const address = addressOf(backend);
    this.lastError = new LbError('LB_ERR_BACKEND_CONNECT', { backend: address, reason });
    if (this.tried.size > worker.config.retries) return this.fail(this.lastError);
    const fields = { backend: backend.id, reason };
    logEvent(worker.log, 'backend.retry', fields, 'connect failed; trying another backend');
    this.pickBackend();
  }

  // Phase 3: the request goes out: head, the body held so far, then the body as it comes.
  private sendRequest(): void {
    const up = this.upstream!;
    up.parser.reset(this.head.method);
    this.upstreamBytes = 0;
    this.writing = true;
    const socket = up.socket;
    if (this.body.holding) {
      socket.cork();
      socket.write(this.forwardHead);
      this.body.flushTo(socket);
      socket.uncork();
    } else {
      socket.write(this.forwardHead);
    }
    this.host.resumeReading(PAUSE_HELD);
    if (this.requestDone) this.armResponse();
    else this.upstreamDeadline = 0;
    this.syncDeadline();
  }

  /** Takes request body bytes from `chunk[offset..]`; returns where the body ended. */
  pushBody(chunk: Buffer, offset: number): number {
    const end = this.body.framer.push(chunk, offset);
    if (end === FAILED) {
      this.badRequestBody();
      return chunk.length;
    }
    if (end > offset) {
      const slice = chunk.subarray(offset, end);
      this.body.retain(slice);
      if (this.writing) {
        if (!this.upstream!.socket.write(slice)) this.host.pauseReading(PAUSE_UPSTREAM);
      } else {
        if (this.body.hold(slice)) this.host.pauseReading(PAUSE_HELD);
      }
    }
    if (this.body.framer.done) {
      this.requestDone = true;
      this.bodyDeadline = 0;
      if (this.writing) this.armResponse();
    } else {
      this.armBody();
    }
    this.syncDeadline();
    return end;
  }

  /** A malformed request body: the backend got part of it, so that connection is spoiled. */
  private badRequestBody(): void {
    const error = this.body.framer.error!;
    if (this.relay.started) return this.abortClient(`request body: ${error.reason}`);
    this.dropUpstream();
    const fields = { code: error.code, reason: error.reason };
    logEvent(this.host.proxy.worker.log, 'client.error', fields, 'bad request body');
    this.host.socket.write(renderCodecError(error));
    this.finish();
    this.host.exchangeDone(false);
  }

  onUpstreamDrain(): void {
    this.host.resumeReading(PAUSE_UPSTREAM);
  }

  onClientDrain(): void {
    this.upstream?.resume();
  }

  // Phase 4: the response, relayed as it comes (see ResponseRelay).
  onUpstreamData(chunk: Buffer): void {
    if (this.finished) return;
    this.upstreamBytes += chunk.length;
    this.armResponse();
    this.syncDeadline();
    const up = this.upstream!;
    const relay = this.relay;
    const step = relay.push(chunk, up, this.requestDone, this.host.closing);
    if (step === RelayStep.done) this.completeResponse(relay.extraBytes);
    else if (step === RelayStep.badHead) this.upstreamFailed(this.badResponse(relay.failure));
    else if (step === RelayStep.badBody) this.abortClient(relay.failure);
    else if (step === RelayStep.tunnel) this.openTunnel(relay.head!, relay.rest!);
  }

  /** The response is complete: the connection goes back to the pool only if fully clean. */
  private completeResponse(extraBytes: boolean): void {
    const up = this.upstream!;
    this.upstream = undefined;
    const response = this.relay.head!;
    const reusable = !extraBytes && this.requestDone && response.keepAlive && !up.gone;
    if (reusable) this.host.proxy.pool.release(up, response.keepAliveTimeoutSec);
    else this.host.proxy.pool.discard(up);
    this.finish();
    this.host.exchangeDone(!this.relay.clientClose);
  }

  private openTunnel(head: ResponseHead, rest: Buffer): void {
    const up = this.upstream!;
    this.upstream = undefined;
    const client = this.host.socket;
    client.write(buildClientResponseHead(head, { tunnel: true }));
    if (rest.length > 0) client.write(rest);
    // A tunnel is long-lived, like an L4 connection: it keeps the backend's count (so least
    // connections sees it) but not the permit, which counts requests in flight.
    const backend = this.backend;
    this.backend = undefined;
    const worker = this.host.proxy.worker;
    const release = () => {
      if (backend === undefined) return;
      worker.backends.release(backend);
      this.host.proxy.worker.backendWait.wake();
    };
    const tunnel = new Tunnel(client, up, release, worker.config.timeouts.idleMs);
    this.finish();
    this.host.startTunnel(tunnel);
  }

  // Failures. Each path ends in `finish` once.
  onUpstreamGone(reason: string, clean: boolean): void {
    if (this.finished) return;
    const up = this.upstream;
    this.upstream = undefined;
    if (up !== undefined) this.host.proxy.pool.discard(up);
    if (up !== undefined && !up.connected) return this.connectFailed(reason);
    if (clean && this.relay.endsWithClose()) {
      this.finish();
      return this.host.exchangeDone(false);
    }
    if (this.canRetry(up)) return this.retry(reason);
    const backend = this.backend!;
    this.upstreamFailed(
      new LbError('LB_ERR_BACKEND_RESET', {
        backend: addressOf(backend),
        reason: this.relay.started ? `${reason} mid-response` : reason,
      }),
    );
  }

  /**
   * A pooled connection can be closed by the backend just as a request goes out; no byte came
   * back, so the backend did not act on it. An idempotent request with its body still at hand
   * goes once more, on a new connection to the same backend.
   */
  private canRetry(up: UpstreamConnection | undefined): boolean {
    return (
      up !== undefined &&
      up.uses > 0 &&
      this.upstreamBytes === 0 &&
      !this.retriedReuse &&
      this.body.replayable &&
      IDEMPOTENT.has(this.head.method)
    );
  }

  private retry(reason: string): void {
    this.retriedReuse = true;
    const backend = this.backend!;
    const fields = { backend: backend.id, reason };
    logEvent(this.host.proxy.worker.log, 'backend.retry', fields, 'reused connection failed');
    this.body.rewind();
    this.openFresh(backend);
  }

  private badResponse(reason: string): LbError {
    const backend = this.backend!;
    return new LbError('LB_ERR_BAD_RESPONSE', {
      backend: addressOf(backend),
      reason,
    });
  }

  /** The backend failed: 502/504 if the client has no response head yet, else cut it off. */
  private upstreamFailed(err: LbError): void {
    if (this.relay.started) return this.abortClient(err.message);
    this.fail(err);
  }

  /** Answers with an error response; the response must not have begun. */
  private fail(err: LbError): void {
    if (this.finished) return;
    this.dropUpstream();
    const keepAlive = this.requestDone && this.head.keepAlive && !this.host.closing;
    const headOnly = this.head.method === 'HEAD';
    const log = this.host.proxy.worker.log;
    this.host.socket.write(errorResponse(log, err, { close: !keepAlive, headOnly }));
    this.finish();
    this.host.exchangeDone(keepAlive);
  }

  private abortClient(reason: string): void {
    const fields = { code: 'LB_ERR_BACKEND_RESET', reason };
    logEvent(this.host.proxy.worker.log, 'backend.failed', fields, 'response cut short');
    this.dropUpstream();
    this.finish();
    this.host.abortConnection();
  }

  /** The client went away: whatever is in flight toward the backend is abandoned. */
  abort(reason: string): void {
    if (this.finished) return;
    logEvent(this.host.proxy.worker.log, 'client.abort', { reason }, 'client left mid-request');
    this.dropUpstream();
    this.finish();
  }

  // Deadlines: a stalled request body, a connect, or a silent backend.
  expire(now: number): void {
    if (this.finished) return;
    if (this.roomDeadline !== 0 && this.roomDeadline <= now) {
      const timeoutMs = this.host.proxy.worker.config.queueTimeoutMs;
      return this.fail(new LbError('LB_ERR_BACKENDS_FULL', { timeoutMs }));
    }
    if (this.bodyDeadline !== 0 && this.bodyDeadline <= now) {
      const timeoutMs = this.host.proxy.http.bodyTimeoutMs;
      if (this.relay.started) return this.abortClient('request body stalled');
      this.requestDone = false; // the rest of the body will never be read: close afterwards
      return this.fail(new LbError('LB_ERR_BODY_TIMEOUT', { timeoutMs }));
    }
    if (this.upstreamDeadline === 0 || this.upstreamDeadline > now) return;
    const up = this.upstream;
    if (up !== undefined && !up.connected) {
      this.upstream = undefined;
      this.host.proxy.pool.discard(up);
      return this.connectFailed(
        `no connection within ${this.host.proxy.worker.config.timeouts.connectMs} ms`,
      );
    }
    const timeoutMs = this.host.proxy.http.responseTimeoutMs;
    if (up !== undefined && up.isLent) {
      // Reading stopped because the client has not taken what it was sent: the backend is not
      // the silent one. Progress re-arms the wait; none for a whole timeout is a stalled client
      // (nginx's send_timeout), cut off and logged as such.
      if (up.flushedWrites !== this.flushMark) {
        this.armResponse();
        return this.syncDeadline();
      }
      return this.clientStalled(timeoutMs);
    }
    const address = addressOf(this.backend!);
    this.upstreamFailed(new LbError('LB_ERR_BACKEND_TIMEOUT', { backend: address, timeoutMs }));
  }

  private clientStalled(timeoutMs: number): void {
    const fields = { code: 'LB_ERR_CLIENT_STALLED', timeoutMs };
    logEvent(this.host.proxy.worker.log, 'client.abort', fields, 'client took no response bytes');
    this.dropUpstream();
    this.finish();
    this.host.abortConnection();
  }

  private armBody(): void {
    this.bodyDeadline = Date.now() + this.host.proxy.http.bodyTimeoutMs;
  }

  private armResponse(): void {
    this.upstreamDeadline = Date.now() + this.host.proxy.http.responseTimeoutMs;
    this.flushMark = this.upstream?.flushedWrites ?? 0;
  }

  private syncDeadline(): void {
    this.deadline = earliest(earliest(this.bodyDeadline, this.upstreamDeadline), this.roomDeadline);
  }

  private dropUpstream(): void {
    const up = this.upstream;
    this.upstream = undefined;
    if (up !== undefined) this.host.proxy.pool.discard(up);
  }

  /** Exactly once per exchange: gives back the queue place, the permit and the backend count. */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.deadline = 0;
    const proxy = this.host.proxy;
    if (this.ticket !== null) {
      this.ticket.cancel();
      this.ticket = null;
    }
    if (this.roomDeadline !== 0) this.stopWaitingForRoom();
    if (this.hasPermit) {
      this.hasPermit = false;
      proxy.worker.semaphore.release();
    }
    if (this.backend !== undefined) {
      proxy.worker.backends.release(this.backend);
      this.backend = undefined;
      proxy.worker.backendWait.wake();
    }
  }
}

/** The earlier of two deadlines, 0 meaning none. */
function earliest(a: number, b: number): number {
  return a === 0 ? b : b === 0 ? a : Math.min(a, b);
}
