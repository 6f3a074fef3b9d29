import { createServer, type Server, type Socket } from 'node:net';
import {
  FAILED,
  NEED_MORE,
  RequestHeadParser,
  requestBodyFramer,
  type BodyFramer,
} from '../../src/http/index';

/** What a raw backend does with one request it parsed. */
export type RawBehaviour = 'ok' | 'reset' | 'stall' | 'partial' | 'close';

/**
 * A backend on raw sockets, parsing with the codec, for faults node:http would not produce:
 * closing idle keep-alive connections without saying so, resets, stalls, cut-short bodies.
 */
export interface RawBackend {
  id: string;
  port: number;
  url: string;
  server: Server;
  /** Request targets parsed, in order. */
  requests: string[];
  /** Picks the behaviour for each request by its index on its connection (default 'ok'). */
  behaviour: (nth: number) => RawBehaviour;
  /** Closes a connection idle this long after a response (0: never). */
  idleCloseMs: number;
  sockets: Set<Socket>;
  close(): Promise<void>;
}

export async function startRawBackend(id: string, idleCloseMs = 0): Promise<RawBackend> {
  const backend = {
    id,
    requests: [],
    behaviour: () => 'ok',
    idleCloseMs,
    sockets: new Set(),
  } as unknown as RawBackend;
  backend.server = createServer((socket) => serve(backend, socket));
  await new Promise<void>((resolve) => backend.server.listen(0, '127.0.0.1', resolve));
  backend.port = (backend.server.address() as { port: number }).port;
  backend.url = `http://127.0.0.1:${backend.port}`;
  backend.close = () =>
    new Promise((resolve) => {
      for (const s of backend.sockets) s.destroy();
      backend.server.close(() => resolve());
    });
  return backend;
}

function serve(backend: RawBackend, socket: Socket): void {
  backend.sockets.add(socket);
  socket.once('close', () => backend.sockets.delete(socket));
  socket.on('error', () => {});
  const parser = new RequestHeadParser();
  let body: BodyFramer | undefined;
  let idle: NodeJS.Timeout | undefined;
  let nth = 0;
  const armIdle = () => {
    if (backend.idleCloseMs > 0) idle = setTimeout(() => socket.end(), backend.idleCloseMs);
  };
  armIdle();
  socket.on('data', (chunk: Buffer) => {
    clearTimeout(idle);
    let at = 0;
    while (at < chunk.length) {
      if (body === undefined) {
        const end = parser.push(chunk, at);
        if (end === NEED_MORE) return;
        if (end === FAILED) return void socket.destroy();
        body = requestBodyFramer(parser.head!);
        at = end;
      }
      at = body.push(chunk, at);
      if (at === FAILED) return void socket.destroy();
      if (!body.done) return;
      backend.requests.push(parser.head!.target);
      respond(backend, socket, backend.behaviour(nth++));
      parser.reset();
      body = undefined;
      armIdle();
    }
  });
}

function respond(backend: RawBackend, socket: Socket, behaviour: RawBehaviour): void {
  const text = `${backend.id} ok`;
  const head = `HTTP/1.1 200 OK\r\nx-backend-id: ${backend.id}\r\ncontent-length: ${text.length}\r\n\r\n`;
  if (behaviour === 'ok') socket.write(head + text);
  else if (behaviour === 'reset') socket.resetAndDestroy();
  else if (behaviour === 'close') socket.end();
  else if (behaviour === 'partial') socket.end(head + text.slice(0, 2), () => socket.destroy());
  // 'stall': say nothing; the balancer's response timeout decides.
}

/** A backend that writes whatever its test says, for each bodiless GET it reads. */
export interface ScriptedBackend {
  port: number;
  url: string;
  close(): Promise<void>;
}

/**
 * A backend on raw sockets for answers node:http would never give (stray bytes after a response,
 * an HTTP/1.0 status line, chunked framing to HTTP/1.0, broken chunks): `answer` gets each
 * request's target and writes to the socket itself. Requests are bodiless GETs, split on their
 * empty line.
 */
export async function startScriptedBackend(
  answer: (target: string, socket: Socket) => void,
): Promise<ScriptedBackend> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.setNoDelay(true); // a head and a body written apart must not wait on Nagle
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const target = buffered.slice(buffered.indexOf(' ') + 1, buffered.indexOf(' HTTP/'));
        buffered = buffered.slice(end + 4);
        answer(target, socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
