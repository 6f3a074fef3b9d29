import { connect, createServer, type Server, type Socket } from 'node:net';
import { startBalancer, validateConfig, type ConfigInput, type RunningBalancer } from '@lb/core';
import { L4_WORKER_ENTRY } from '../src/index';

/**
 * A TCP backend for tests: greets each connection with `id:<id>\n`, echoes what it receives,
 * ends its side when the client ends, and counts how many connections it holds at once.
 */
export interface TestBackend {
  id: string;
  port: number;
  address: string;
  server: Server;
  current: number;
  peak: number;
  total: number;
  sockets: Set<Socket>;
  /** What each connection does: echo (default), reset at once, or stay silent. */
  mode: 'echo' | 'reset' | 'silent';
  close(): Promise<void>;
}

/** Connections all backends of a test hold at once, and the most they ever held together. */
export interface Concurrency {
  current: number;
  peak: number;
}

export async function startBackends(count: number, all?: Concurrency): Promise<TestBackend[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => startBackend(`b${i + 1}`, all)));
}

/**
 * A connection counts from accept until the backend sees the client's FIN (or the socket
 * closes): after that the backend is done with it, though the close may still be in flight.
 */
export async function startBackend(
  id: string,
  all: Concurrency = { current: 0, peak: 0 },
): Promise<TestBackend> {
  const backend = {
    id,
    current: 0,
    peak: 0,
    total: 0,
    sockets: new Set<Socket>(),
    mode: 'echo',
  } as TestBackend;
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    if (backend.mode === 'reset') return void socket.resetAndDestroy();
    backend.current++;
    backend.total++;
    backend.peak = Math.max(backend.peak, backend.current);
    all.current++;
    all.peak = Math.max(all.peak, all.current);
    backend.sockets.add(socket);
    let counted = true;
    const uncount = () => {
      if (!counted) return;
      counted = false;
      backend.current--;
      all.current--;
    };
    socket.on('error', () => {});
    socket.once('end', uncount);
    socket.once('close', () => {
      uncount();
      backend.sockets.delete(socket);
    });
    socket.on('end', () => socket.end());
    if (backend.mode === 'silent') return void socket.resume();
    socket.write(`id:${id}\n`);
    socket.on('data', (chunk) => socket.write(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  backend.server = server;
  backend.port = (server.address() as { port: number }).port;
  backend.address = `127.0.0.1:${backend.port}`;
  backend.close = () =>
    new Promise((resolve) => {
      for (const s of backend.sockets) s.destroy();
      server.close(() => resolve());
    });
  return backend;
}

/** Starts the L4 balancer in this process (workers are real threads) with quiet logs. */
export async function startL4(
  input: Partial<ConfigInput> & { backends: ConfigInput['backends'] },
): Promise<RunningBalancer> {
  const config = validateConfig({
    listen: '127.0.0.1:0',
    admin: { listen: '127.0.0.1:0' },
    workers: 1,
    log: { level: 'silent' },
    healthCheck: { enabled: false },
    ...input,
  });
  return startBalancer(config, { workerEntry: L4_WORKER_ENTRY });
}

/** A client connection with helpers to read what arrives. */
export interface Client {
  socket: Socket;
  /** Resolves with the backend id from the greeting line. */
  backendId: Promise<string>;
  received(): string;
  /** Resolves when the socket closes, with everything received. */
  closed: Promise<string>;
}

export function openClient(port: number, localAddress?: string): Client {
  const socket = connect({ host: '127.0.0.1', port, localAddress, allowHalfOpen: true });
  let data = '';
  let resolveId!: (id: string) => void;
  const backendId = new Promise<string>((r) => (resolveId = r));
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    data += chunk;
    const m = /^id:([^\n]+)\n/.exec(data);
    if (m) resolveId(m[1]!);
  });
  socket.on('error', () => {});
  // Like most clients, close our side once the other side has finished.
  socket.once('end', () => socket.end());
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(data)));
  void closed.then(() => resolveId(''));
  return { socket, backendId, received: () => data, closed };
}

/** Opens one connection, reads the greeting, closes; returns who answered. */
export async function whoAnswers(port: number, localAddress?: string): Promise<string> {
  const client = openClient(port, localAddress);
  const id = await client.backendId;
  client.socket.end();
  await client.closed;
  return id;
}

export {
  countBy,
  eventually,
  expectIdle,
  fetchStats,
  openFdCount,
} from '../../core/test/support/balancer-checks';
