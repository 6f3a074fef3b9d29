import { connect, createServer, type Server } from 'node:net';
import { expectIdle, startL4 } from './helpers';

describe('half-close', () => {
  let backend: Server;
  let port: number;
  const reply = Buffer.alloc(1024 * 1024, 'x');

  beforeAll(async () => {
    // Answers only after the request is complete, i.e. after the client's FIN arrives.
    backend = createServer({ allowHalfOpen: true }, (socket) => {
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('end', () => {
        socket.write(`got ${Buffer.concat(chunks).length} bytes\n`);
        socket.end(reply);
      });
    });
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
    port = (backend.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => backend.close(() => r())));

  it.each(['shared', 'handoff'] as const)(
    'a client that sends and shuts its write side gets the whole reply (%s)',
    async (dispatch) => {
      const lb = await startL4({ workers: 2, dispatch, backends: [`127.0.0.1:${port}`] });
      const request = Buffer.alloc(200 * 1024, 'r');
      const received = await new Promise<Buffer>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port: lb.port, allowHalfOpen: true });
        const chunks: Buffer[] = [];
        socket.on('data', (c) => chunks.push(c));
        socket.on('end', () => {
          socket.end();
          resolve(Buffer.concat(chunks));
        });
        socket.on('error', reject);
        socket.end(request);
      });
      const header = `got ${request.length} bytes\n`;
      expect(received.subarray(0, header.length).toString()).toBe(header);
      expect(received.length).toBe(header.length + reply.length);
      await expectIdle(lb);
      await lb.stop(1000);
    },
  );
});
