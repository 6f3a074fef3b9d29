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
