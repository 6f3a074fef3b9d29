import net from 'node:net';
import { startNodeBackend } from '../../src/backends/node-backend';

const fastThenSlow = 'GET /fast HTTP/1.1\r\nhost: x\r\n\r\nGET / HTTP/1.1\r\nhost: x\r\n\r\n';
const replyEnd = 'backend b1\n';

function countReplies(text: string): number {
  return text.split(replyEnd).length - 1;
}

/**
 * Opens a connection and sends `GET /fast` and `GET /` together. It resolves once the /fast reply
 * is back: the backend queued the `GET /` in the same tick it wrote that reply, so connections
 * opened one after another reach the pool in that order. `second` resolves with the `GET /` reply.
 */
function queueOne(port: number): Promise<{ second: Promise<void>; socket: net.Socket }> {
  return new Promise((resolveFirst, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = '';
    let finishSecond: () => void = () => undefined;
    const second = new Promise<void>((resolve) => (finishSecond = resolve));
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (countReplies(received) === 1) resolveFirst({ second, socket });
      if (countReplies(received) === 2) finishSecond();
    });
    socket.write(fastThenSlow);
  });
}

describe('built-in Node backend with maxConcurrency', () => {
  let server: net.Server;
  let port: number;

  beforeAll(async () => {
    // Sleeps vary 1-40 ms, so without the pool later requests would often finish first.
    const spec = { id: 'b1', delay: { minMs: 1, maxMs: 40 }, maxConcurrency: 1 };
    server = await startNodeBackend(spec, 0);
    port = (server.address() as net.AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('serves one sleep at a time in arrival order when the pool holds one', async () => {
    const finished: number[] = [];
    const sockets: net.Socket[] = [];
    const seconds: Promise<void>[] = [];
    for (let i = 0; i < 5; i++) {
      const { second, socket } = await queueOne(port);
      sockets.push(socket);
      seconds.push(second.then(() => void finished.push(i)));
    }
    await Promise.all(seconds);
    for (const socket of sockets) socket.destroy();
    expect(finished).toEqual([0, 1, 2, 3, 4]);
  });
});
