import net from 'node:net';
import { ConnectionMode } from '../scenarios/scenario';
import { Gate } from './gate';
import { ClientPlan, LoadWindow } from './load-task';
import { ParsedResponse, ResponseParser } from './response-parser';
import { ResultSink } from './result-sink';

/** Pause after a failed request, so a refused port cannot turn into a hot loop, ms. */
const retryPauseMs = 20;

export interface ClientSettings {
  path: string;
  connection: ConnectionMode;
  window: LoadWindow;
  requestTimeoutMs: number;
  /** Cap on requests in flight in this thread; latency then includes the wait for a place. */
  gate?: Gate;
}

function requestBytes(path: string, port: number, connection: ConnectionMode): Buffer {
  const close = connection === 'close' ? 'connection: close\r\n' : '';
  return Buffer.from(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n${close}\r\n`, 'latin1');
}

/**
 * One closed-loop client on raw `net`: send, wait for the whole response, send the next.
 * Raw sockets and a tiny parser cost a few microseconds per request where node:http's client
 * costs tens, which keeps the generator out of the way of the proxies it measures.
 * Latency is from the write of the request (connect included in close mode) to the last byte.
 */
export class ClosedLoopClient {
  private readonly request: Buffer;
  private readonly parser = new ResponseParser();
  private socket: net.Socket | undefined;
  private sentAt = 0n;
  private sentWall = 0;
  private inFlight = false;
  private holdsPlace = false;
  private stopped = false;
  private finished: () => void = () => undefined;

  constructor(
    private readonly plan: ClientPlan,
    private readonly settings: ClientSettings,
    private readonly sink: ResultSink,
  ) {
    this.request = requestBytes(settings.path, plan.port, settings.connection);
  }

  /** Runs until the window ends; resolves then, whatever is in flight. */
  run(): Promise<void> {
    return new Promise((resolve) => {
      this.finished = resolve;
      const startIn = Math.max(0, this.settings.window.startAt - Date.now());
      setTimeout(() => this.sendNext(), startIn);
      setTimeout(() => this.stop(), this.settings.window.endAt - Date.now());
    });
  }

  private stop(): void {
    this.stopped = true;
    this.socket?.destroy();
    this.socket = undefined;
    this.finished();
  }

  private sendNext(): void {
    if (this.stopped) return;
    if (Date.now() >= this.settings.window.endAt) return this.stop();
    // The clock starts when the client wants to send, before any wait at the gate.
    this.sentWall = Date.now();
    this.sentAt = process.hrtime.bigint();
    const gate = this.settings.gate;
    if (!gate) return this.write();
    gate.enter(() => {
      this.holdsPlace = true;
      if (this.stopped) return this.leaveGate();
      this.write();
    });
  }

  private write(): void {
    const socket = this.socket ?? this.connect();
    this.inFlight = true;
    socket.write(this.request);
  }

  private leaveGate(): void {
    if (!this.holdsPlace) return;
    this.holdsPlace = false;
    this.settings.gate!.leave();
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
    if (socket !== this.socket || !this.inFlight) return;
    const response = this.parser.push(chunk);
    if (response) this.complete(socket, response);
  }

  private onEnd(socket: net.Socket): void {
    if (socket !== this.socket) return;
    const response = this.inFlight ? this.parser.end() : undefined;
    if (response) this.complete(socket, response);
    else this.fail(socket, 'closed before response');
  }

  private complete(socket: net.Socket, response: ParsedResponse): void {
    const latencyUs = Number(process.hrtime.bigint() - this.sentAt) / 1000;
    this.inFlight = false;
    this.leaveGate();
    if (this.measured()) {
      if (response.status >= 200 && response.status < 400) {
        this.sink.recordSuccess(latencyUs, response.backendId);
      } else this.sink.recordError(`http ${response.status}`);
    }
    if (response.close || this.settings.connection === 'close') this.drop(socket);
    this.sendNext();
  }

  private fail(socket: net.Socket, kind: string): void {
    if (socket !== this.socket) return;
    this.drop(socket);
    if (!this.inFlight || this.stopped) return;
    this.inFlight = false;
    this.leaveGate();
    if (this.measured()) this.sink.recordError(kind);
    setTimeout(() => this.sendNext(), retryPauseMs);
  }

  private drop(socket: net.Socket): void {
    if (this.socket === socket) this.socket = undefined;
    socket.destroy();
  }

  // Counts only requests sent inside the window and finished before it closed.
  private measured(): boolean {
    const { measureFrom, endAt } = this.settings.window;
    return this.sentWall >= measureFrom && Date.now() <= endAt;
  }
}
