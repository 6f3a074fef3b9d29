import type { Socket } from 'node:net';
import { LbError, logEvent, normaliseAddress } from '@lb/core';
import {
  FAILED,
  NEED_MORE,
  RequestHeadParser,
  renderCodecError,
  renderErrorResponse,
} from '../http/index';
import type { ProxyContext } from './context';
import { errorResponse } from './error-response';
import { Exchange } from './exchange';
import type { ExchangeHost } from './exchange-host';
import type { Expiring } from './sweeper';
import type { Tunnel } from './tunnel';

/** Pipelined bytes held while a request is in flight; past this the client is paused. */
const PIPELINE_LIMIT = 64 * 1024;
/** Why reading stops: held pipelined bytes (exchange reasons are in exchange.ts). */
const PAUSE_PIPELINE = 1;
/**
 * After an error response the connection is closed from our side, but what the client still
 * sends is read and dropped for a while: closing with unread bytes would send a reset that can
 * destroy the response before the client reads it.
 */
const LINGER_MS = 2000;

type Wait = 'idle' | 'head' | 'linger' | 'none';

/**
 * One client connection: reads request heads, runs one exchange at a time (responses go out in
 * request order; pipelined requests wait as bytes, bounded), and closes on errors, timeouts or
 * when either side asks. Between requests it holds no permit.
 */
export class ClientConnection implements ExchangeHost, Expiring {
  closing = false;
  readonly peer: string;

  private readonly parser: RequestHeadParser;
  private exchange: Exchange | null = null;
  private tunnel: Tunnel | null = null;
  private pending: Buffer | null = null;
  private pausedFor = 0;
  private wait: Wait = 'none';
  private consuming = false;
  private closed = false;
  private waitDeadline = 0;

  constructor(
    readonly proxy: ProxyContext,
    readonly socket: Socket,
  ) {
    this.peer = normaliseAddress(socket.remoteAddress);
    this.parser = new RequestHeadParser(proxy.headOptions);
  }

  /**
   * The connection's own wait, or its exchange's deadlines: only connections are registered with
   * the sweeper, so a request costs no registration of its own.
   */
  get deadline(): number {
    return this.exchange !== null ? this.exchange.deadline : this.waitDeadline;
  }

  start(): void {
    const socket = this.socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('drain', () => (this.tunnel ?? this.exchange)?.onClientDrain());
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const fields = { code: err.code ?? err.message };
      logEvent(this.proxy.worker.log, 'client.abort', fields, 'client connection failed');
    });
    socket.on('close', () => this.onClose());
    this.proxy.sweeper.add(this);
    this.setWait('idle');
    socket.resume();
  }

  private onData(chunk: Buffer): void {
    if (this.tunnel !== null) return this.tunnel.fromClient(chunk);
    if (this.closing && this.exchange === null) return; // lingering: read and drop
    if (this.pending !== null) {
      chunk = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    this.consume(chunk, 0);
  }

  /** Feeds bytes to the current exchange's body or to the head parser, in order. */
  private consume(chunk: Buffer, offset: number): void {
    this.consuming = true;
    while (offset < chunk.length && !this.closed) {
      const exchange = this.exchange;
      if (exchange !== null) {
        if (!exchange.requestDone) {
          offset = exchange.pushBody(chunk, offset);
          continue;
        }
        this.hold(chunk.subarray(offset));
        break;
      }
      if (this.closing || this.tunnel !== null) break;
      offset = this.readHead(chunk, offset);
    }
    this.consuming = false;
  }

  private readHead(chunk: Buffer, offset: number): number {
    if (this.wait !== 'head') this.setWait('head');
    const end = this.parser.push(chunk, offset);
    if (end === NEED_MORE) return chunk.length;
    if (end === FAILED) {
      this.rejectHead();
      return chunk.length;
    }
    this.setWait('none');
    if (this.parser.head!.method === 'CONNECT') {
      this.refuseConnect();
      return chunk.length;
    }
    if (authorityConflicts(this.parser.head!.target, this.parser.head!.host)) {
      this.refuse(400, 'LB_ERR_BAD_REQUEST', 'the request-target names another host than Host');
      return chunk.length;
    }
    const exchange = new Exchange(this, this.parser.head!);
    this.exchange = exchange;
    exchange.start();
    return end;
  }

  /** A head the codec refused: its status (400, 414, 431, 501, 505) and close. */
  private rejectHead(): void {
    const error = this.parser.error!;
    const fields = { code: error.code, reason: error.reason, peer: this.peer };
    logEvent(this.proxy.worker.log, 'client.error', fields, 'bad request head');
    this.socket.write(renderCodecError(error));
    this.closeAfterWrite();
  }

  /**
   * A reverse proxy is not a forward proxy: CONNECT would ask a backend to open a tunnel to
   * anywhere. Refused here with 501, as nginx does, and the connection closed.
   */
  private refuseConnect(): void {
    this.refuse(501, 'LB_ERR_NOT_IMPLEMENTED', 'CONNECT is not supported by a reverse proxy');
  }

  /** Answers a request the proxy will not forward, then closes: its body is never read. */
  private refuse(status: number, code: string, message: string): void {
    logEvent(this.proxy.worker.log, 'client.error', { code, peer: this.peer }, message);
    this.socket.write(renderErrorResponse({ status, code, message, close: true }));
    this.closeAfterWrite();
  }

  /** Pipelined bytes wait until the current response is complete. */
  private hold(bytes: Buffer): void {
    this.pending = this.pending === null ? bytes : Buffer.concat([this.pending, bytes]);
    if (this.pending.length >= PIPELINE_LIMIT) this.pauseReading(PAUSE_PIPELINE);
  }

  exchangeDone(keepAlive: boolean): void {
    this.exchange = null;
    this.parser.reset();
    this.resumeReading(~0);
    if (!keepAlive || this.closing) return this.closeAfterWrite();
    this.setWait('idle');
    if (this.pending !== null && !this.consuming) {
      const pending = this.pending;
      this.pending = null;
      this.consume(pending, 0);
    }
  }

  startTunnel(tunnel: Tunnel): void {
    this.exchange = null;
    this.tunnel = tunnel;
    this.setWait('none');
    this.resumeReading(~0);
    const pending = this.pending;
    this.pending = null;
    if (pending !== null) tunnel.fromClient(pending);
    if (this.socket.readableEnded) tunnel.onClientEnd();
  }

  abortConnection(): void {
    this.exchange = null;
    this.socket.destroy();
  }

  pauseReading(reason: number): void {
    if (this.pausedFor === 0) this.socket.pause();
    this.pausedFor |= reason;
  }

  resumeReading(reason: number): void {
    if (this.pausedFor === 0) return;
    this.pausedFor &= ~reason;
    if (this.pausedFor === 0) this.socket.resume();
  }

  /**
   * The client's FIN. Like nginx, a FIN while a request is in flight is taken as the client
   * giving up (it cannot be told apart from a client that left), so the request is abandoned;
   * between requests it simply ends the connection.
   */
  private onEnd(): void {
    if (this.tunnel !== null) return this.tunnel.onClientEnd();
    const exchange = this.exchange;
    this.exchange = null;
    if (exchange !== null) {
      exchange.abort('client closed its side');
      this.socket.destroy();
      return;
    }
    this.closing = true;
    if (!this.socket.writableEnded) this.socket.end();
  }

  private onClose(): void {
    this.closed = true;
    this.proxy.sweeper.delete(this);
    this.exchange?.abort('client connection closed');
    this.exchange = null;
    this.tunnel?.onClientClosed();
  }

  private closeAfterWrite(): void {
    this.closing = true;
    this.pending = null;
    if (this.pausedFor !== 0) this.resumeReading(~0);
    if (!this.socket.writableEnded) this.socket.end();
    this.setWait('linger');
  }

  private setWait(wait: Wait): void {
    this.wait = wait;
    const http = this.proxy.http;
    const ms =
      wait === 'idle'
        ? this.proxy.worker.config.timeouts.idleMs
        : wait === 'head'
          ? http.headTimeoutMs
          : LINGER_MS;
    this.waitDeadline = wait === 'none' ? 0 : Date.now() + ms;
  }

  expire(now: number): void {
    if (this.exchange !== null) return this.exchange.expire(now);
    if (this.wait === 'head' && this.exchange === null && !this.closing) {
      const err = new LbError('LB_ERR_REQUEST_TIMEOUT', {
        timeoutMs: this.proxy.http.headTimeoutMs,
      });
      this.socket.write(
        errorResponse(this.proxy.worker.log, err, { close: true, headOnly: false }),
      );
      return this.closeAfterWrite();
    }
    this.waitDeadline = 0;
    this.socket.destroy();
  }
}

/**
 * An absolute-form target (`GET http://a/x`) whose authority differs from Host: RFC 9112 has
 * the target win, but a backend that reads Host would see another host than we routed by, so
 * the pair is refused rather than guessed at.
 */
function authorityConflicts(target: string, host: string | undefined): boolean {
  const scheme = target.indexOf('://');
  if (scheme < 0 || target[0] === '/') return false;
  const rest = target.slice(scheme + 3);
  const end = rest.search(/[/?#]/);
  const authority = (end < 0 ? rest : rest.slice(0, end)).toLowerCase();
  return authority !== (host ?? '').toLowerCase();
}
