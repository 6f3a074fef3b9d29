import net from 'node:net';
import { ConnectionMode } from '../scenarios/scenario';
import { ClientPlan, LoadWindow } from './load-task';
import { ParsedResponse, ResponseParser } from './response-parser';
import { ResultSink } from './result-sink';

/** What every connection of one load thread sends, and when its results count. */
export interface ConnectionSettings {
  path: string;
  connection: ConnectionMode;
  window: LoadWindow;
  requestTimeoutMs: number;
}

/** One request handed to a connection. */
export interface RequestTicket {
  /** `process.hrtime.bigint()` when the latency clock started: the intended send time. */
  clockFrom: bigint;
  /**
   * Epoch ms until which the request's outcome is recorded; undefined for a warm-up request,
   * which is never recorded.
   */
  recordUntil: number | undefined;
  /**
   * Called once when the request ends (never after `close`): `answered` is true for a response
   * of any status, false for a reset, timeout or early close.
   */
  done: (answered: boolean) => void;
}

// Source addresses 127.0.0.10 .. 127.0.0.73: Linux answers on all of 127/8, and distinct
// sources give ip-hash something to hash and close mode 64x more (source, port) pairs.
const sourceAddresses = 64;

/** The loopback source address of the i-th client or connection. */
export function sourceAddress(index: number): string {
  return `127.0.0.${10 + (index % sourceAddresses)}`;
}

function requestBytes(path: string, port: number, connection: ConnectionMode): Buffer {
  const close = connection === 'close' ? 'connection: close\r\n' : '';
  return Buffer.from(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n${close}\r\n`, 'latin1');
}

/**
 * One client connection on raw `net`, one request at a time. Raw sockets and a tiny parser cost
 * a few microseconds per request where node:http's client costs tens, which keeps the generator
 * out of the way of the proxies it measures. It connects on first use and again after a close
 * (every request in `close` mode). Latency runs from the ticket's `clockFrom` to the last byte.
 */
export class ClientConnection {
  private readonly request: Buffer;
  private readonly parser = new ResponseParser();
  private socket: net.Socket | undefined;
  private ticket: RequestTicket | undefined;
  private closed = false;

  constructor(
    private readonly plan: ClientPlan,
    private readonly settings: ConnectionSettings,
    private readonly sink: ResultSink,
  ) {
    this.request = requestBytes(settings.path, plan.port, settings.connection);
  }

  /** Precondition: no request in flight on this connection (the last `done` has run). */
  send(ticket: RequestTicket): void {
    if (this.closed) return;
    const socket = this.socket ?? this.connect();
    this.ticket = ticket;
    socket.write(this.request);
  }

  /** Drops the socket and any request in flight, without calling its `done`. */
  close(): void {
    this.closed = true;
    this.ticket = undefined;
    this.socket?.destroy();
    this.socket = undefined;
  }

  private connect(): net.Socket {
    const socket = net.connect({
      host: '127.0.0.1',
      port: this.plan.port,
      localAddress: this.plan.localAddress,
      noDelay: true,
    });
    socket.setTimeout(this.settings.requestTimeoutMs);
    socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
    socket.on('end', () => this.onEnd(socket));
    socket.on('timeout', () => this.fail(socket, 'timeout'));
    socket.on('error', (err: NodeJS.ErrnoException) => this.fail(socket, err.code ?? 'error'));
    socket.on('close', () => this.fail(socket, 'closed before response'));
    this.parser.reset();
    this.socket = socket;
    return socket;
  }

  private onData(socket: net.Socket, chunk: Buffer): void {
    if (socket !== this.socket || !this.ticket) return;
    const response = this.parser.push(chunk);
    if (response) this.complete(socket, response);
  }

  private onEnd(socket: net.Socket): void {
    if (socket !== this.socket) return;
    const response = this.ticket ? this.parser.end() : undefined;
    if (response) this.complete(socket, response);
    else this.fail(socket, 'closed before response');
  }

  private complete(socket: net.Socket, response: ParsedResponse): void {
    const ticket = this.ticket as RequestTicket;
    const latencyUs = Number(process.hrtime.bigint() - ticket.clockFrom) / 1000;
    this.ticket = undefined;
    if (this.counts(ticket)) {
      if (response.status >= 200 && response.status < 400) {
        this.sink.recordSuccess(latencyUs, response.backendId);
      } else this.sink.recordError(`http ${response.status}`);
    }
    if (response.close || this.settings.connection === 'close') this.drop(socket);
    ticket.done(true);
  }

  private fail(socket: net.Socket, kind: string): void {
    if (socket !== this.socket) return;
    this.drop(socket);
    const ticket = this.ticket;
    if (!ticket) return;
    this.ticket = undefined;
    if (this.counts(ticket)) this.sink.recordError(kind);
    ticket.done(false);
  }

  private drop(socket: net.Socket): void {
    if (this.socket === socket) this.socket = undefined;
    socket.destroy();
  }

  private counts(ticket: RequestTicket): boolean {
    return ticket.recordUntil !== undefined && Date.now() <= ticket.recordUntil;
  }
}
