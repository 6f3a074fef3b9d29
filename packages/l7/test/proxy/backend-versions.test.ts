import { createServer, type Server, type Socket } from 'node:net';
import type { RunningBalancer } from '@lb/core';
import { expectIdle, RawClient, rawRequest, startL7 } from './helpers';

// Backends that speak HTTP/1.0, or answer an HTTP/1.0 request with chunked framing it cannot
// read. Requests are bodiless GETs; the answer depends on the target.

describe('backend HTTP versions', () => {
  let server: Server;
  let lb: RunningBalancer;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => {});
      let buffered = '';
      socket.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('latin1');
        for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
          const target = buffered.slice(4, buffered.indexOf(' ', 4));
          buffered = buffered.slice(end + 4);
          if (target === '/chunked')
            socket.write(
              'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
            );
          else
            socket.write(
              'HTTP/1.0 200 Fine\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok',
            );
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    lb = await startL7({ backends: [{ address: `http://127.0.0.1:${port}`, id: 'raw' }] });
  });
  afterAll(async () => {
    await lb.stop(1000);
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  test('an HTTP/1.1 client gets HTTP/1.1 from an HTTP/1.0 backend, and keeps its connection', async () => {
    const client = new RawClient(lb.port);
    client.send('GET /a HTTP/1.1\r\nHost: t\r\n\r\n');
    const first = await client.response();
    expect(first?.body).toBe('ok');
    client.send('GET /b HTTP/1.1\r\nHost: t\r\n\r\n');
    expect((await client.response())?.body).toBe('ok');
    client.close();
    await expectIdle(lb);
  });

  test('the status line reads HTTP/1.1 on the wire', async () => {
    const client = new RawClient(lb.port);
    client.send('GET /a HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
    await client.closed;
    expect(client.rest.startsWith('HTTP/1.1 200 Fine\r\n')).toBe(true);
    await expectIdle(lb);
  });

  test('a chunked answer to an HTTP/1.0 request is a 502, not chunk framing in the body', async () => {
    const response = await rawRequest(lb.port, 'GET /chunked HTTP/1.0\r\nHost: t\r\n\r\n');
    expect(response?.status).toBe(502);
    expect(response?.headers['x-lb-error']).toBe('LB_ERR_BAD_RESPONSE');
    await expectIdle(lb);
  });
});
