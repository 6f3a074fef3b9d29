import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect, type Socket } from 'node:net';
import { startBalancer, validateConfig, type ConfigInput, type RunningBalancer } from '@lb/core';
import { L7_WORKER_ENTRY, l7ProbeFor } from '../../src/index';
import { FAILED, NEED_MORE, ResponseHeadParser, responseBodyFramer } from '../../src/http/index';

/** One request as a test backend parsed it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  trailers: Record<string, string>;
}

/**
 * An HTTP backend for tests (node:http): logs every request it parsed, stamps `x-backend-id` on
 * every reply, and counts requests in flight. `route` may take over a request (return true).
 */
export interface HttpBackend {
  id: string;
  port: number;
  url: string;
  server: Server;
  requests: SeenRequest[];
  /** Raw bytes received, all connections, in arrival order. */
  raw: string;
  current: number;
  peak: number;
  sockets: Set<Socket>;
  route?: (req: IncomingMessage, res: ServerResponse, seen: SeenRequest) => boolean;
  close(): Promise<void>;
}

export async function startHttpBackends(count: number): Promise<HttpBackend[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => startHttpBackend(`b${i + 1}`)));
}

export async function startHttpBackend(id: string): Promise<HttpBackend> {
  const backend = {
    id,
    requests: [],
    raw: '',
    current: 0,
    peak: 0,
    sockets: new Set(),
  } as unknown as HttpBackend;
  const server = createHttpServer((req, res) => {
    backend.current++;
    backend.peak = Math.max(backend.peak, backend.current);
    res.once('close', () => backend.current--);
    res.setHeader('x-backend-id', id);
    let body = '';
    req.setEncoding('latin1');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const seen: SeenRequest = {
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body,
        trailers: req.trailers as Record<string, string>,
      };
      backend.requests.push(seen);
      if (backend.route?.(req, res, seen)) return;
      const text = `${id} ${req.method} ${req.url} ${body.length}`;
      res.setHeader('content-type', 'text/plain');
      // Explicit, so HEAD answers announce it and HTTP/1.0 keep-alive is possible.
      res.setHeader('content-length', text.length);
      res.end(req.method === 'HEAD' ? undefined : text);
    });
  });
  server.on('connection', (socket: Socket) => {
    backend.sockets.add(socket);
    socket.on('data', (c: Buffer) => (backend.raw += c.toString('latin1')));
    socket.once('close', () => backend.sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  backend.server = server;
  backend.port = (server.address() as { port: number }).port;
  backend.url = `http://127.0.0.1:${backend.port}`;
  backend.close = () =>
    new Promise((resolve) => {
      for (const s of backend.sockets) s.destroy();
      server.close(() => resolve());
    });
  return backend;
}

/** Starts the L7 balancer in this process (workers are real threads) with quiet logs. */
export async function startL7(
  input: Partial<ConfigInput> & { backends: ConfigInput['backends'] },
): Promise<RunningBalancer> {
  const config = validateConfig(
    {
      listen: '127.0.0.1:0',
      admin: { listen: '127.0.0.1:0' },
      workers: 1,
      log: { level: 'silent' },
      healthCheck: { enabled: false },
      ...input,
    },
    'http',
  );
  return startBalancer(config, { workerEntry: L7_WORKER_ENTRY, probeFor: l7ProbeFor });
}

/** A response as a raw client read it; `body` is the body bytes as sent (chunked framing kept). */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * A client that writes raw bytes and splits what comes back into responses with the codec,
 * so a test sees exactly the bytes on the wire, including anything after a response.
 */
export class RawClient {
  readonly socket: Socket;
  readonly closed: Promise<void>;
  isClosed = false;
  private buffer = Buffer.alloc(0);
  private readonly waiters = new Set<() => void>();

  constructor(port: number, localAddress?: string) {
    this.socket = connect({ host: '127.0.0.1', port, localAddress, allowHalfOpen: true });
    this.socket.on('error', () => {});
    // Like most clients, close our side once the balancer has finished its own.
    this.socket.once('end', () => this.socket.end());
    this.socket.on('data', (c: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, c]);
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      this.socket.once('close', () => {
        this.isClosed = true;
        this.wake();
        resolve();
      }),
    );
  }

  send(bytes: string | Buffer): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }

  /** Bytes received and not yet taken as a response. */
  get rest(): string {
    return this.buffer.toString('latin1');
  }

  /** Resolves with the next complete response, or null if the connection closes first. */
  async response(method = 'GET', timeoutMs = 5000): Promise<RawResponse | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = takeResponse(this.buffer, method, this.isClosed);
      if (parsed) {
        this.buffer = this.buffer.subarray(parsed.end);
        return parsed.response;
      }
      if (this.isClosed) return null;
      if (Date.now() > deadline)
        throw new Error(`no response within ${timeoutMs} ms: ${this.rest}`);
      await new Promise<void>((resolve) => {
        this.waiters.add(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of this.waiters) w();
    this.waiters.clear();
  }
}

function takeResponse(
  buf: Buffer,
  method: string,
  closed: boolean,
): { response: RawResponse; end: number } | null {
  const parser = new ResponseHeadParser();
  parser.reset(method);
  const headEnd = parser.push(buf, 0);
  if (headEnd === NEED_MORE) return null;
  if (headEnd === FAILED)
    throw new Error(`bad response: ${parser.error!.reason}: ${buf.toString('latin1')}`);
  const head = parser.head!;
  const framer = responseBodyFramer(head);
  const end = framer.push(buf, headEnd);
  if (end === FAILED) throw new Error(`bad response body: ${framer.error!.reason}`);
  if (!framer.done && !(closed && framer.finish() === undefined && framer.done)) return null;
  const headers: Record<string, string> = {};
  for (const [name, value] of head.headers) {
    const key = name.toLowerCase();
    headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
  }
  const response = { status: head.status, headers, body: buf.toString('latin1', headEnd, end) };
  return { response, end };
}

/** Sends one request on a new connection and returns the first response (or null). */
export async function rawRequest(
  port: number,
  bytes: string,
  method = 'GET',
): Promise<RawResponse | null> {
  const client = new RawClient(port);
  client.send(bytes);
  try {
    return await client.response(method);
  } finally {
    client.close();
  }
}

export {
  countBy,
  eventually,
  expectIdle,
  fetchStats,
  openFdCount,
} from '../../../core/test/support/balancer-checks';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A minimal GET request head. */
export function getRequest(path = '/', extra = ''): string {
  return `GET ${path} HTTP/1.1\r\nHost: test\r\n${extra}\r\n`;
}
