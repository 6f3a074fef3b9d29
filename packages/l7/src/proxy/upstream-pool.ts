import { connect, type Socket } from 'node:net';
import type { Backend } from '@lb/core';
import { ResponseHeadParser } from '../http/index';
import type { Expiring, Sweeper } from './sweeper';

/** What an upstream connection reports to the request using it. */
export interface UpstreamOwner {
  onUpstreamConnect(): void;
  onUpstreamData(chunk: Buffer): void;
  /**
   * The connection is gone (called once): `clean` for a FIN, false for a reset or error.
   */
  onUpstreamGone(reason: string, clean: boolean): void;
  /** A tunnel takes the backend's FIN as a half-close; returns true when it did. */
  onUpstreamEnd?(): boolean;
  onUpstreamDrain(): void;
}

/**
 * A keep-alive connection is retired this long before the backend said it would close it, so
 * a request is never written into a connection the backend is closing at that very moment.
 */
const KEEP_ALIVE_MARGIN_MS = 1000;

/**
 * One connection to a backend, carrying one request at a time. Its socket listeners are set
 * once and forward to the current owner; while idle in the pool any byte or close retires it.
 */
export class UpstreamConnection implements Expiring {
  owner: UpstreamOwner | null = null;
  /** Requests this connection has carried before the current one. */
  uses = 0;
  connected = false;
  gone = false;
  deadline = 0;
  /** Response head parser, kept with the connection so a request allocates none. */
  readonly parser = new ResponseHeadParser();

  constructor(
    readonly key: string,
    readonly socket: Socket,
    private readonly pool: UpstreamPool,
  ) {
    socket.on('connect', () => {
      this.connected = true;
      this.owner?.onUpstreamConnect();
    });
    socket.on('data', (chunk: Buffer) => {
      if (this.owner) this.owner.onUpstreamData(chunk);
      else this.pool.discard(this); // bytes nobody asked for: the connection is unusable
    });
    socket.on('drain', () => this.owner?.onUpstreamDrain());
    socket.on('end', () => {
      if (this.owner?.onUpstreamEnd?.() !== true) this.lost('closed by backend', true);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => this.lost(err.code ?? err.message, false));
    socket.on('close', () => this.lost('closed', false));
  }

  /** Retires an idle connection at its deadline (see UpstreamPool.release). */
  expire(): void {
    this.pool.discard(this);
  }

  private lost(reason: string, clean: boolean): void {
    if (this.gone) return;
    this.gone = true;
    const owner = this.owner;
    this.owner = null;
    if (owner) owner.onUpstreamGone(reason, clean);
    else this.pool.discard(this);
  }
}

/**
 * Idle keep-alive connections to each backend, per worker, reused last-in first-out: the most
 * recently used connection is the least likely to have been closed by the backend, and the
 * ones at the bottom age out. Trade-off: LIFO keeps fewer connections warm than FIFO would.
 */
export class UpstreamPool {
  private readonly idle = new Map<string, UpstreamConnection[]>();

  constructor(
    private readonly sweeper: Sweeper,
    private readonly keepAliveMs: number,
    private readonly maxIdle: number,
  ) {}

  /** A live idle connection to `backend`, or undefined. */
  take(backend: Backend): UpstreamConnection | undefined {
    const list = this.idle.get(keyOf(backend));
    while (list !== undefined && list.length > 0) {
      const conn = list.pop()!;
      this.sweeper.delete(conn);
      conn.deadline = 0;
      if (!conn.gone && !conn.socket.destroyed && !conn.socket.readableEnded) return conn;
      conn.socket.destroy();
    }
    return undefined;
  }

  /** A new connection; the owner hears `onUpstreamConnect` or `onUpstreamGone`. */
  open(backend: Backend, owner: UpstreamOwner): UpstreamConnection {
    const socket = connect({
      host: backend.host,
      port: backend.port,
      noDelay: true,
      allowHalfOpen: true,
    });
    const conn = new UpstreamConnection(keyOf(backend), socket, this);
    conn.owner = owner;
    return conn;
  }

  /**
   * Parks a connection whose last response ended cleanly. It is retired after `keepAliveMs` or
   * one second before the backend's own `Keep-Alive: timeout=N`, whichever comes first.
   */
  release(conn: UpstreamConnection, backendTimeoutSec: number | undefined): void {
    conn.owner = null;
    conn.uses++;
    // A response relayed under backpressure may have left it paused; idle, it must see a close.
    conn.socket.resume();
    let list = this.idle.get(conn.key);
    if (list === undefined) this.idle.set(conn.key, (list = []));
    let idleMs = this.keepAliveMs;
    if (backendTimeoutSec !== undefined)
      idleMs = Math.min(idleMs, backendTimeoutSec * 1000 - KEEP_ALIVE_MARGIN_MS);
    if (conn.gone || idleMs <= 0 || list.length >= this.maxIdle) return this.discard(conn);
    conn.deadline = Date.now() + idleMs;
    list.push(conn);
    this.sweeper.add(conn);
  }

  /** Closes a connection for good and forgets it. */
  discard(conn: UpstreamConnection): void {
    conn.owner = null;
    conn.gone = true;
    this.sweeper.delete(conn);
    const list = this.idle.get(conn.key);
    const at = list ? list.indexOf(conn) : -1;
    if (at !== -1) list!.splice(at, 1);
    conn.socket.destroy();
  }

  /** Closes every idle connection (worker drain). */
  close(): void {
    for (const list of this.idle.values()) for (const conn of [...list]) this.discard(conn);
  }
}

function keyOf(backend: Backend): string {
  return `${backend.host}:${backend.port}`;
}
