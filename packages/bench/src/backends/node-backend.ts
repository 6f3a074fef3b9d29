import net from 'node:net';
import { Gate } from '../load/gate';
import { BackendSpec, pickDelayMs } from './delay';

const headEnd = '\r\n\r\n';

interface ParsedRequest {
  path: string;
  close: boolean;
}

// Only the request line and two headers matter here; the load generator and the proxies send
// small GETs. A Content-Length body, if any, is skipped so the connection stays in step.
function parseHead(head: string): ParsedRequest & { bodyLength: number } {
  const lines = head.split('\r\n');
  const [, target = '/', version = 'HTTP/1.1'] = (lines[0] ?? '').split(' ');
  let close = version === 'HTTP/1.0';
  let bodyLength = 0;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line
      .slice(colon + 1)
      .trim()
      .toLowerCase();
    if (name === 'connection') close = value.includes('close') || (close && value !== 'keep-alive');
    if (name === 'content-length') bodyLength = Number(value) || 0;
  }
  return { path: target.split('?')[0] ?? '/', close, bodyLength };
}

function responseBytes(id: string, close: boolean): Buffer {
  const body = `backend ${id}\n`;
  const head =
    'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\nx-backend-id: ${id}\r\n` +
    (close ? 'connection: close\r\n' : '');
  return Buffer.from(`${head}\r\n${body}`, 'latin1');
}

/**
 * Runs each `GET /` sleep, holding a place in the backend's pool when it has one. A request whose
 * client has gone still takes its place and sleeps, as in app.py, where nothing cancels it.
 */
function sleepThen(spec: BackendSpec, pool: Gate | undefined, reply: () => void): void {
  if (!pool) return void setTimeout(reply, pickDelayMs(spec.delay));
  pool.enter(() =>
    setTimeout(() => {
      pool.leave();
      reply();
    }, pickDelayMs(spec.delay)),
  );
}

/**
 * Serves one connection: requests are answered in order, one at a time, each after its sleep.
 * `GET /` sleeps per the spec; every other path (`/fast`, health checks) answers at once.
 */
function serveConnection(socket: net.Socket, spec: BackendSpec, pool: Gate | undefined): void {
  const keepAliveReply = responseBytes(spec.id, false);
  const closeReply = responseBytes(spec.id, true);
  const queue: ParsedRequest[] = [];
  let pending = '';
  let skipBody = 0;
  let busy = false;

  const answerNext = (): void => {
    if (busy || socket.destroyed) return;
    const request = queue.shift();
    if (!request) return;
    busy = true;
    const reply = (): void => {
      busy = false;
      if (socket.destroyed) return;
      if (request.close) return void socket.end(closeReply);
      socket.write(keepAliveReply);
      answerNext();
    };
    if (request.path === '/') sleepThen(spec, pool, reply);
    else reply();
  };

  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    pending += chunk.toString('latin1');
    for (;;) {
      if (skipBody > 0) {
        const skipped = Math.min(skipBody, pending.length);
        pending = pending.slice(skipped);
        skipBody -= skipped;
      }
      const end = pending.indexOf(headEnd);
      if (end < 0) break;
      const parsed = parseHead(pending.slice(0, end));
      pending = pending.slice(end + headEnd.length);
      skipBody = parsed.bodyLength;
      queue.push(parsed);
    }
    answerNext();
  });
}

/**
 * A built-in HTTP/1.1 backend on raw `net`: much cheaper per request than node:http, so in the
 * zero-delay `overhead` scenario the proxy, not the backend, sets the pace. With
 * `spec.maxConcurrency` its sleeps share one first-come first-served pool, like app.py's.
 * @returns the listening server (127.0.0.1:port).
 */
export function startNodeBackend(spec: BackendSpec, port: number): Promise<net.Server> {
  const pool = spec.maxConcurrency ? new Gate(spec.maxConcurrency) : undefined;
  const server = net.createServer((socket) => serveConnection(socket, spec, pool));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port, backlog: 4096 }, () => resolve(server));
  });
}
