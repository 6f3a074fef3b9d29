import type { Socket } from 'node:net';
import { formatHost, LbError, logEvent, type Backend, type QueueTicket } from '@lb/core';
import {
  FAILED,
  NEED_MORE,
  buildClientResponseHead,
  buildForwardRequestHead,
  renderCodecError,
  requestBodyFramer,
  responseBodyFramer,
  type BodyFramer,
  type RequestHead,
  type ResponseHead,
} from '../http/index';
import { clientKeyOf } from './client-address';
import type { ProxyContext } from './context';
import { errorResponse } from './error-response';
import type { Expiring } from './sweeper';
import { Tunnel } from './tunnel';
import type { UpstreamConnection, UpstreamOwner } from './upstream-pool';

/** L7 requests run in the middle priority class until QoS rules exist. */
const NORMAL_CLASS = 1;
/** Body bytes held while no backend connection is ready; past this the client is paused. */
const HELD_BODY_LIMIT = 64 * 1024;
/** Body bytes kept for a retry on a fresh connection; a larger body is never retried. */
const RETAINED_BODY_LIMIT = 64 * 1024;
/** Methods a retry cannot make take effect twice (RFC 9110 section 9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);

/** Why the client connection stops reading; each is lifted by whoever set it. */
export const PAUSE_HELD = 2;
export const PAUSE_UPSTREAM = 4;

/** The client connection, as one exchange sees it. */
export interface ExchangeHost {
  readonly proxy: ProxyContext;
  readonly socket: Socket;
  /** The peer address, normalised. */
  readonly peer: string;
  /** The connection will close after this exchange whatever the exchange says. */
  readonly closing: boolean;
  pauseReading(reason: number): void;
  resumeReading(reason: number): void;
  /** The response is complete (or an error was sent); `keepAlive`: read the next request. */
  exchangeDone(keepAlive: boolean): void;
  /** The backend accepted an upgrade: bytes now flow through `tunnel`. */
  startTunnel(tunnel: Tunnel): void;
  /** Cuts the client off: a response already begun cannot be completed. */
  abortConnection(): void;
}

/**
 * One request and its response, in order: permit (at once or queued), backend pick, a pooled or
 * new connection, forward the head and stream the body, relay interim responses, frame and
 * stream the final response, then give the connection back to the pool. `finish` releases the
 * permit and the backend's count exactly once on every path.
 */
export class Exchange implements UpstreamOwner, Expiring {
  deadline = 0;
  /** The client's request body has been seen to its end. */
  requestDone: boolean;

  private readonly body: BodyFramer;
  private readonly forwardHead: Buffer;
  private held: Buffer[] = [];
  private heldBytes = 0;
  private retained: Buffer[] | null = [];
  private retainedBytes = 0;
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
  private response: ResponseHead | undefined;
  private responseBody: BodyFramer | undefined;
  private clientClose = false;
  private bodyDeadline = 0;
  private upstreamDeadline = 0;
  private finished = false;

  constructor(
    private readonly host: ExchangeHost,
    readonly head: RequestHead,
  ) {
    this.body = requestBodyFramer(head);
    this.requestDone = this.body.done;
    this.forwardHead = buildForwardRequestHead(head, {
      clientAddress: host.peer,
      proto: 'http',
      trustForwarded: host.proxy.trusted.has(host.peer),
      tunnel: head.upgrade !== undefined,
    });
  }

  // Phase 1: a permit. Only in-flight requests hold one; an idle keep-alive client holds none.
  start(): void {
    this.host.proxy.sweeper.add(this);
    if (!this.requestDone) this.armBody();
    const semaphore = this.host.proxy.worker.semaphore;
    if (semaphore.tryAcquire(NORMAL_CLASS)) {
      this.hasPermit = true;
      return this.pickBackend();
    }
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
    const backend = worker.balancer.pick({
      clientKey:
        worker.balancer.algorithm === 'ip-hash'
          ? clientKeyOf(this.host.peer, this.head, this.host.proxy.trusted)
          : '',
      exclude: this.tried,
      now: Date.now(),
    });
    if (backend === null)
      return this.fail(this.lastError ?? new LbError('LB_ERR_NO_HEALTHY_BACKEND'));
    this.backend = backend;
    const pooled = this.host.proxy.pool.take(backend);
    if (pooled === undefined) return this.openFresh(backend);
    pooled.owner = this;
    this.upstream = pooled;
    this.sendRequest();
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
    const { maxFailures, ejectMs } = worker.config.passive;
    if (worker.backends.recordFailure(backend, Date.now(), maxFailures, ejectMs)) {
      const cause = `${maxFailures} requests failed in a row: ${reason}`;
      const fields = { backend: backend.id, from: 'up', to: 'ejected', cause };
      logEvent(worker.log, 'backend.state', fields, `backend ${backend.id} ejected`);
    }
    (this.tried ??= new Set()).add(backend.slot);
    const address = `${formatHost(backend.host)}:${backend.port}`;
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
    socket.cork();
    socket.write(this.forwardHead);
    for (const chunk of this.held) socket.write(chunk);
    socket.uncork();
    this.held = [];
    this.heldBytes = 0;
    this.host.resumeReading(PAUSE_HELD);
    if (this.requestDone) this.armResponse();
    else this.upstreamDeadline = 0;
    this.syncDeadline();
  }

  /** Takes request body bytes from `chunk[offset..]`; returns where the body ended. */
  pushBody(chunk: Buffer, offset: number): number {
    const end = this.body.push(chunk, offset);
    if (end === FAILED) {
      this.badRequestBody();
      return chunk.length;
    }
    if (end > offset) {
      const slice = chunk.subarray(offset, end);
      this.retain(slice);
      if (this.writing) {
        if (!this.upstream!.socket.write(slice)) this.host.pauseReading(PAUSE_UPSTREAM);
      } else {
        this.held.push(slice);
        this.heldBytes += slice.length;
        if (this.heldBytes >= HELD_BODY_LIMIT) this.host.pauseReading(PAUSE_HELD);
      }
    }
    if (this.body.done) {
      this.requestDone = true;
      this.bodyDeadline = 0;
      if (this.writing) this.armResponse();
    } else {
      this.armBody();
    }
    this.syncDeadline();
    return end;
  }

  private retain(slice: Buffer): void {
    if (this.retained === null) return;
    this.retainedBytes += slice.length;
    if (this.retainedBytes > RETAINED_BODY_LIMIT) this.retained = null;
    else this.retained.push(slice);
  }

  /** A malformed request body: the backend got part of it, so that connection is spoiled. */
  private badRequestBody(): void {
    const error = this.body.error!;
    if (this.response !== undefined) return this.abortClient(`request body: ${error.reason}`);
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
    this.upstream?.socket.resume();
  }

  // Phase 4: the response: interim heads, the final head, then the framed body.
  onUpstreamData(chunk: Buffer): void {
    if (this.finished) return;
    this.upstreamBytes += chunk.length;
    this.armResponse();
    this.syncDeadline();
    if (this.responseBody !== undefined) return this.relayBody(chunk, 0);
    const client = this.host.socket;
    client.cork();
    const end = this.readHead(chunk);
    if (end >= 0) this.relayBody(chunk, end);
    client.uncork();
  }

  /** Returns the offset just past the final head, or -1 (need more, failed, or a tunnel). */
  private readHead(chunk: Buffer): number {
    const parser = this.upstream!.parser;
    for (let offset = 0; ;) {
      const end = parser.push(chunk, offset);
      if (end === NEED_MORE) return -1;
      if (end === FAILED) {
        this.upstreamFailed(this.badResponse(parser.error!.reason));
        return -1;
      }
      const head = parser.head!;
      if (head.informational) {
        // 100 Continue and 103 Early Hints go on to HTTP/1.1 clients; 1.0 does not know them.
        if (this.head.version === '1.1') this.host.socket.write(buildClientResponseHead(head));
        parser.reset(this.head.method);
        offset = end;
        continue;
      }
      if (head.status === 101) {
        if (this.head.upgrade === undefined) this.upstreamFailed(this.badResponse('unasked 101'));
        else this.openTunnel(head, chunk.subarray(end));
        return -1;
      }
      this.startResponse(head);
      return end;
    }
  }

  private startResponse(head: ResponseHead): void {
    this.response = head;
    this.responseBody = responseBodyFramer(head);
    // A body the client has not finished sending would be read as the next request: close.
    this.clientClose =
      !this.requestDone || !this.head.keepAlive || head.framing === 'close' || this.host.closing;
    const connection = this.clientClose
      ? 'close'
      : this.head.version === '1.0'
        ? 'keep-alive'
        : undefined;
    this.host.socket.write(buildClientResponseHead(head, { connection }));
  }

  private relayBody(chunk: Buffer, offset: number): void {
    const framer = this.responseBody!;
    const end = framer.push(chunk, offset);
    if (end === FAILED) return this.abortClient(`response body: ${framer.error!.reason}`);
    if (end > offset) {
      const slice = offset === 0 && end === chunk.length ? chunk : chunk.subarray(offset, end);
      if (!this.host.socket.write(slice)) this.upstream!.socket.pause();
    }
    if (framer.done) this.completeResponse(end < chunk.length);
  }

  /** The response is complete: the connection goes back to the pool only if fully clean. */
  private completeResponse(extraBytes: boolean): void {
    const up = this.upstream!;
    this.upstream = undefined;
    const response = this.response!;
    const reusable = !extraBytes && this.requestDone && response.keepAlive && !up.gone;
    if (reusable) this.host.proxy.pool.release(up, response.keepAliveTimeoutSec);
    else this.host.proxy.pool.discard(up);
    this.finish();
    this.host.exchangeDone(!this.clientClose);
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
    const tunnel = new Tunnel(client, up, () => {
      if (backend !== undefined) this.host.proxy.worker.backends.release(backend);
    });
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
    const framer = this.responseBody;
    if (framer !== undefined && clean && framer.finish() === undefined && framer.done) {
      this.finish(); // a close-delimited body ends with the connection
      return this.host.exchangeDone(false);
    }
    if (this.canRetry(up)) return this.retry(reason);
    const backend = this.backend!;
    this.upstreamFailed(
      new LbError('LB_ERR_BACKEND_RESET', {
        backend: `${formatHost(backend.host)}:${backend.port}`,
        reason: framer === undefined ? reason : `${reason} mid-response`,
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
      this.retained !== null &&
      IDEMPOTENT.has(this.head.method)
    );
  }

  private retry(reason: string): void {
    this.retriedReuse = true;
    const backend = this.backend!;
    const fields = { backend: backend.id, reason };
    logEvent(this.host.proxy.worker.log, 'backend.retry', fields, 'reused connection failed');
    this.held = this.retained!.slice();
    this.heldBytes = this.retainedBytes;
    this.openFresh(backend);
  }

  private badResponse(reason: string): LbError {
    const backend = this.backend!;
    return new LbError('LB_ERR_BAD_RESPONSE', {
      backend: `${formatHost(backend.host)}:${backend.port}`,
      reason,
    });
  }

  /** The backend failed: 502/504 if the client has no response head yet, else cut it off. */
  private upstreamFailed(err: LbError): void {
    if (this.response !== undefined) return this.abortClient(err.message);
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
    if (this.bodyDeadline !== 0 && this.bodyDeadline <= now) {
      const timeoutMs = this.host.proxy.http.bodyTimeoutMs;
      if (this.response !== undefined) return this.abortClient('request body stalled');
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
    const backend = this.backend!;
    const timeoutMs = this.host.proxy.http.responseTimeoutMs;
    const address = `${formatHost(backend.host)}:${backend.port}`;
    this.upstreamFailed(new LbError('LB_ERR_BACKEND_TIMEOUT', { backend: address, timeoutMs }));
  }

  private armBody(): void {
    this.bodyDeadline = Date.now() + this.host.proxy.http.bodyTimeoutMs;
  }

  private armResponse(): void {
    this.upstreamDeadline = Date.now() + this.host.proxy.http.responseTimeoutMs;
  }

  private syncDeadline(): void {
    const a = this.bodyDeadline;
    const b = this.upstreamDeadline;
    this.deadline = a === 0 ? b : b === 0 ? a : Math.min(a, b);
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
    proxy.sweeper.delete(this);
    if (this.ticket !== null) {
      this.ticket.cancel();
      this.ticket = null;
    }
    if (this.backend !== undefined) {
      proxy.worker.backends.release(this.backend);
      this.backend = undefined;
    }
    if (this.hasPermit) {
      this.hasPermit = false;
      proxy.worker.semaphore.release();
    }
  }
}
