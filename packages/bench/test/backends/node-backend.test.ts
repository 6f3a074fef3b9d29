import net from 'node:net';
import { startNodeBackend } from '../../src/backends/node-backend';

function exchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
    socket.write(request);
  });
}

describe('built-in Node backend', () => {
  let server: net.Server;
  let port: number;

  beforeAll(async () => {
    server = await startNodeBackend({ id: 'b7', delay: { minMs: 20, maxMs: 30 } }, 0);
    port = (server.address() as net.AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('stamps its id on every reply, in order, and closes when asked', async () => {
    const keepAlive = 'GET /fast HTTP/1.1\r\nhost: x\r\n\r\n';
    const close = 'GET / HTTP/1.1\r\nhost: x\r\nConnection: close\r\n\r\n';
    const replies = await exchange(port, keepAlive + close);
    const ids = replies.match(/x-backend-id: (\w+)/g);
    expect(ids).toEqual(['x-backend-id: b7', 'x-backend-id: b7']);
    expect(replies).toContain('connection: close');
    expect(replies.endsWith('backend b7\n')).toBe(true);
  });
});
