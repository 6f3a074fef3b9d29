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
 * Bytes of one read from a backend. Each connection reads into its own buffer of this size,
 * reused for every read (`onread`), instead of Node allocating a 64 KiB buffer per read: about
 * 1.3 µs of CPU per proxied request. Trade-off: 16 KiB per open backend connection, idle ones
 * included, and a large body takes more reads.
 */
const READ_BUFFER_BYTES = 16 * 1024;

/**
 * One connection to a backend, carrying one request at a time. Its socket listeners are set
 * once and forward to the current owner; while idle in the pool any byte or close retires it.
 *
 * What the owner gets in `onUpstreamData` is a view of the read buffer, valid until the next
 * read: anything kept longer must be copied, and bytes for the client go through `sendTo`.
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
  readonly socket: Socket;

  private readonly buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  /** Writes of read-buffer bytes not yet completed (their callbacks pending). */
  private outstanding = 0;
  /** Reading is stopped until those writes complete. */
  private lent = false;
  /** Writes of read-buffer bytes completed so far: progress of a slow client. */
  flushedWrites = 0;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly pool: UpstreamPool,
  ) {
    this.socket = connect({
      host,
      port,
      noDelay: true,
      allowHalfOpen: true,
      onread: { buffer: this.buffer, callback: (n: number) => this.onRead(n) },
    });
    const socket = this.socket;
    socket.on('connect', () => {
      this.connected = true;
      this.owner?.onUpstreamConnect();
    });
    socket.on('drain', () => this.owner?.onUpstreamDrain());
    socket.on('end', () => {
      if (this.owner?.onUpstreamEnd?.() !== true) this.lost('closed by backend', true);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => this.lost(err.code ?? err.message, false));
    socket.on('close', () => {
      this.pool.forget(this);
      this.lost('closed', false);
    });
  }

  /** Retires an idle connection at its deadline (see UpstreamPool.release). */
  expire(): void {
    this.pool.discard(this);
  }

  /**
   * Writes bytes read from this connection to `client`. Node keeps a reference to bytes the
   * kernel did not take at once, and the next read would overwrite them, so reading stops until
   * every such write has completed. This is also the backpressure toward the backend.
   */
  sendTo(client: Socket, bytes: Buffer): void {
    this.outstanding++;
    client.write(bytes, this.onWritten);
    this.lendIfHeld(client);
  }

  /** `sendTo` for two buffers in one writev (a head and a large first body chunk). */
  sendPairTo(client: Socket, first: Buffer, second: Buffer): void {
    this.outstanding += 2;
    client.cork();
    client.write(first, this.onWritten);
    client.write(second, this.onWritten);
    client.uncork();
    this.lendIfHeld(client);
  }

  private lendIfHeld(client: Socket): void {
    if (!this.lent && client.writableLength > 0) {
      this.lent = true;
      this.socket.pause();
    }
  }

  /** Lets reading go on, unless written bytes are still lent out (then it resumes by itself). */
  resume(): void {
    if (!this.lent) this.socket.resume();
  }

  /** The read buffer is referenced by a client's pending write. */
  get isLent(): boolean {
    return this.lent;
  }

  private onRead(bytes: number): boolean {
    const chunk = this.buffer.subarray(0, bytes);
    if (this.owner) this.owner.onUpstreamData(chunk);
    else this.pool.discard(this); // bytes nobody asked for: the connection is unusable
    return true;
  }

  // Called for every write, in order, also when the client is destroyed (with an error).
  private readonly onWritten = (): void => {
    this.flushedWrites++;
    if (--this.outstanding > 0 || !this.lent) return;
    this.lent = false;
    if (!this.gone) this.socket.resume();
  };

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
  /** Idle connections by backend host, then port: no key string is built per request. */
  private readonly idle = new Map<string, Map<number, UpstreamConnection[]>>();

  constructor(
    private readonly sweeper: Sweeper,
    private readonly keepAliveMs: number,
    private readonly maxIdle: number,
  ) {}

  /** A live idle connection to `backend`, or undefined. */
  take(backend: Backend): UpstreamConnection | undefined {
    const list = this.idle.get(backend.host)?.get(backend.port);
    while (list !== undefined && list.length > 0) {
      const conn = list.pop()!;
      conn.deadline = 0;
      if (!conn.gone && !conn.socket.destroyed && !conn.socket.readableEnded) return conn;
      conn.socket.destroy();
    }
    return undefined;
  }

  /** A new connection; the owner hears `onUpstreamConnect` or `onUpstreamGone`. */
  open(backend: Backend, owner: UpstreamOwner): UpstreamConnection {
    const conn = new UpstreamConnection(backend.host, backend.port, this);
    conn.owner = owner;
    // Registered for its whole life; the deadline is set only while it waits in the pool.
    this.sweeper.add(conn);
    return conn;
  }

  /**
   * Parks a connection whose last response ended cleanly. It is retired after `keepAliveMs` or
   * one second before the backend's own `Keep-Alive: timeout=N`, whichever comes first.
   */
  release(conn: UpstreamConnection, backendTimeoutSec: number | undefined): void {
    conn.owner = null;
    conn.uses++;
    // A client still holds bytes of its read buffer (a slow reader of a large response): the
    // connection is closed, not pooled. Parked later, it would hold whatever the backend sent
    // meanwhile (stray bytes, a FIN) unread, and the next request would take those for its
    // response; and its idle time would have run unseen.
    if (conn.isLent) return this.discard(conn);
    let ports = this.idle.get(conn.host);
    if (ports === undefined) this.idle.set(conn.host, (ports = new Map()));
    let list = ports.get(conn.port);
    if (list === undefined) ports.set(conn.port, (list = []));
    let idleMs = this.keepAliveMs;
    if (backendTimeoutSec !== undefined)
      idleMs = Math.min(idleMs, backendTimeoutSec * 1000 - KEEP_ALIVE_MARGIN_MS);
    if (conn.gone || idleMs <= 0 || list.length >= this.maxIdle) return this.discard(conn);
    // Idle, it must read again to see the backend's close.
    conn.resume();
    conn.deadline = Date.now() + idleMs;
    list.push(conn);
  }

  /** Closes a connection for good and forgets it. */
  discard(conn: UpstreamConnection): void {
    conn.owner = null;
    conn.gone = true;
    this.sweeper.delete(conn);
    const list = this.idle.get(conn.host)?.get(conn.port);
    const at = list ? list.indexOf(conn) : -1;
    if (at !== -1) list!.splice(at, 1);
    conn.socket.destroy();
  }

  /** The socket has closed, whoever owned it last (a tunnel, say): stop sweeping it. */
  forget(conn: UpstreamConnection): void {
    this.sweeper.delete(conn);
  }

  /** Closes every idle connection (worker drain). */
  close(): void {
    for (const ports of this.idle.values())
      for (const list of ports.values()) for (const conn of [...list]) this.discard(conn);
  }
}
