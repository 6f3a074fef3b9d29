import { connect, createServer, type Server } from 'node:net';
import { expectIdle, startL4 } from './helpers';

/** How a stream ended, as its reader saw it. */
type Ending = { bytes: number; how: 'fin' | 'reset' };

function listen(server: Server): Promise<number> {
  return new Promise((r) =>
    server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port)),
  );
}

describe('an abort on one side is passed on as an abort, never as a clean end', () => {
  it('a backend that resets mid-reply resets the client: the truncated reply does not end cleanly', async () => {
    const backend = createServer((s) => {
      s.on('error', () => {});
      s.write(Buffer.alloc(200_000, 9), () => setTimeout(() => s.resetAndDestroy(), 50));
    });
    const lb = await startL4({ backends: [`127.0.0.1:${await listen(backend)}`] });
    const seen = await new Promise<Ending>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: lb.port });
      let bytes = 0;
      let how: Ending['how'] = 'fin';
      socket.on('data', (d) => (bytes += d.length));
      socket.on('error', () => (how = 'reset'));
      socket.on('end', () => socket.end());
      socket.on('close', () => resolve({ bytes, how }));
    });
    expect(seen).toEqual({ bytes: 200_000, how: 'reset' });
    await expectIdle(lb);
    await lb.stop(1000);
    await new Promise((r) => backend.close(r));
  });

  it('a client that resets mid-upload resets the backend: the partial upload does not end cleanly', async () => {
    let resolveSeen!: (e: Ending) => void;
    const seenByBackend = new Promise<Ending>((r) => (resolveSeen = r));
    const backend = createServer({ allowHalfOpen: true }, (s) => {
      let bytes = 0;
      s.on('data', (d) => (bytes += d.length));
      s.on('end', () => resolveSeen({ bytes, how: 'fin' }));
      s.on('error', () => resolveSeen({ bytes, how: 'reset' }));
    });
    const lb = await startL4({ backends: [`127.0.0.1:${await listen(backend)}`] });
    const client = connect({ host: '127.0.0.1', port: lb.port });
    client.on('error', () => {});
    client.write(Buffer.alloc(300_000, 1), () => setTimeout(() => client.resetAndDestroy(), 100));
    expect(await seenByBackend).toEqual({ bytes: 300_000, how: 'reset' });
    await expectIdle(lb);
    await lb.stop(1000);
    await new Promise((r) => backend.close(r));
  });
});
