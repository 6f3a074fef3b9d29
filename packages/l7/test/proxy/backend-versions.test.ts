import type { RunningBalancer } from '@lb/core';
import { expectIdle, RawClient, rawRequest, startL7 } from './helpers';
import { startScriptedBackend, type ScriptedBackend } from './raw-backend';

// Backends that speak HTTP/1.0, or answer an HTTP/1.0 request with chunked framing it cannot
// read. Requests are bodiless GETs; the answer depends on the target.

describe('backend HTTP versions', () => {
  let backend: ScriptedBackend;
  let lb: RunningBalancer;

  beforeAll(async () => {
    backend = await startScriptedBackend((target, socket) => {
      if (target === '/chunked') {
        socket.write(
          'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
        );
      } else {
        socket.write('HTTP/1.0 200 Fine\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok');
      }
    });
    lb = await startL7({ backends: [{ address: backend.url, id: 'raw' }] });
  });
  afterAll(async () => {
    await lb.stop(1000);
    await backend.close();
  });

  test('HTTP/1.1 from an HTTP/1.0 backend, and the client keeps its connection', async () => {
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

  test('a chunked answer to HTTP/1.0 is a 502, not chunk framing in the body', async () => {
    const response = await rawRequest(lb.port, 'GET /chunked HTTP/1.0\r\nHost: t\r\n\r\n');
    expect(response?.status).toBe(502);
    expect(response?.headers['x-lb-error']).toBe('LB_ERR_BAD_RESPONSE');
    await expectIdle(lb);
  });
});
