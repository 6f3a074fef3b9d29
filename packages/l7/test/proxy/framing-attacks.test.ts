import type { RunningBalancer } from '@lb/core';
import { expectIdle, RawClient, startHttpBackend, startL7, type HttpBackend } from './helpers';

/**
 * Requests whose framing two parsers could read differently. Each gets an error status and a
 * closed connection, and the backend never parses the bytes after it as a second request.
 */
const SMUGGLED = 'GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n';

const cases: { rule: string; bytes: string; status: number; code: string }[] = [
  {
    rule: 'Content-Length with Transfer-Encoding',
    bytes:
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    status: 400,
    code: 'LB_ERR_BAD_REQUEST',
  },
  {
    rule: 'two different Content-Length values',
    bytes: 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 38\r\n\r\n',
    status: 400,
    code: 'LB_ERR_BAD_REQUEST',
  },
  {
    rule: 'Content-Length list',
    bytes: 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0, 38\r\n\r\n',
    status: 400,
    code: 'LB_ERR_BAD_REQUEST',
  },
  {
    rule: 'Transfer-Encoding chunked twice',
    bytes: 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n',
    status: 400,
    code: 'LB_ERR_BAD_REQUEST',
  },
  {
    rule: 'Transfer-Encoding not ending in chunked',
    bytes: 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n',
    status: 400,
    code: 'LB_ERR_BAD_REQUEST',
  },
  {
    rule: 'a coding the balancer cannot re-frame',
    bytes: 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n',
    status: 501,
    code: 'LB_ERR_NOT_IMPLEMENTED',
  },
  {
    rule: 'Transfer-Encoding in HTTP/1.0',
    bytes: 'POST / HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    status: 400,
    code: 'LB_ERR_BAD_REQUEST',
  },
  {
    rule: 'obs-fold',
    bytes: 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n Transfer-Encoding: chunked\r\n\r\n',
    status: 400,
    code: 'LB_ERR_BAD_REQUEST',
  },
  {
    rule: 'bare LF line endings',
    bytes: 'GET / HTTP/1.1\nHost: x\n\n',
    status: 400,
    code: 'LB_ERR_BAD_REQUEST',
  },
  {
    rule: 'bare CR inside a field',
    bytes: 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n',
    status: 400,
    code: 'LB_ERR_BAD_REQUEST',
  },
  {
    rule: 'whitespace before the colon',
    bytes: 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n',
    status: 400,
    code: 'LB_ERR_BAD_REQUEST',
  },
  {
    rule: 'HTTP/1.1 without Host',
    bytes: 'GET / HTTP/1.1\r\n\r\n',
    status: 400,
    code: 'LB_ERR_BAD_REQUEST',
  },
  {
    rule: 'two Host fields',
    bytes: 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
    status: 400,
    code: 'LB_ERR_BAD_REQUEST',
  },
  {
    rule: 'an unknown HTTP version',
    bytes: 'GET / HTTP/1.2\r\nHost: x\r\n\r\n',
    status: 505,
    code: 'LB_ERR_VERSION_NOT_SUPPORTED',
  },
  {
    rule: 'a request line over the limit',
    bytes: `GET /${'a'.repeat(9000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    status: 414,
    code: 'LB_ERR_URI_TOO_LONG',
  },
  {
    rule: 'a head over the limit',
    bytes: `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(17000)}\r\n\r\n`,
    status: 431,
    code: 'LB_ERR_HEADERS_TOO_LARGE',
  },
];

describe('framing attacks never reach a backend as a second request', () => {
  let backend: HttpBackend;
  let lb: RunningBalancer;

  beforeAll(async () => {
    backend = await startHttpBackend('b1');
    lb = await startL7({ backends: [{ address: backend.url, id: 'b1' }] });
  });
  afterAll(async () => {
    await lb.stop(1000);
    await backend.close();
  });
  beforeEach(() => {
    backend.requests.length = 0;
    backend.raw = '';
  });

  it.each(cases)('$rule: $status and close', async ({ bytes, status, code }) => {
    const client = new RawClient(lb.port);
    client.send(bytes + SMUGGLED);
    const res = await client.response();
    expect(res?.status).toBe(status);
    expect(res?.headers['x-lb-error']).toBe(code);
    expect(res?.headers.connection).toBe('close');
    await client.closed;
    expect(client.rest).toBe('');
    expect(backend.requests).toEqual([]);
    expect(backend.raw).toBe('');
    await expectIdle(lb);
  });

  it('a malformed chunk size mid-body: 400, close, and the backend sees no complete request', async () => {
    const client = new RawClient(lb.port);
    client.send('POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n');
    await new Promise((r) => setTimeout(r, 100));
    client.send('zz\r\n\r\n' + SMUGGLED);
    const res = await client.response();
    expect(res?.status).toBe(400);
    await client.closed;
    expect(backend.raw).not.toContain('smuggled');
    expect(backend.requests).toEqual([]);
    await expectIdle(lb);
  });

  it('a chunked body with a chunk extension and trailers is forwarded as one request', async () => {
    const client = new RawClient(lb.port);
    client.send(
      'POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n' +
        '5;ext=1\r\nhello\r\n0\r\nX-Sum: 5\r\n\r\n' +
        'GET /next HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    expect((await client.response())?.body).toBe('b1 POST /c 5');
    expect((await client.response())?.body).toBe('b1 GET /next 0');
    expect(backend.requests.map((r) => [r.url, r.body, r.trailers['x-sum']])).toEqual([
      ['/c', 'hello', '5'],
      ['/next', '', undefined],
    ]);
    client.close();
    await expectIdle(lb);
  });
});
