import {
  RequestHeadParser,
  ResponseHeadParser,
  buildClientResponseHead,
  buildForwardRequestHead,
  codecError,
  renderCodecError,
  renderErrorResponse,
  type ForwardRequestOptions,
  type RequestHead,
  type ResponseHead,
} from '../../src/http';
import { bytes } from './helpers';

function request(raw: string): RequestHead {
  const parser = new RequestHeadParser();
  if (parser.push(bytes(raw)) < 0) throw new Error(JSON.stringify(parser.error));
  return parser.head as RequestHead;
}

function response(raw: string, method = 'GET'): ResponseHead {
  const parser = new ResponseHeadParser();
  parser.reset(method);
  if (parser.push(bytes(raw)) < 0) throw new Error(JSON.stringify(parser.error));
  return parser.head as ResponseHead;
}

const CLIENT: ForwardRequestOptions = { clientAddress: '203.0.113.7', proto: 'http' };

function forward(raw: string, options: Partial<ForwardRequestOptions> = {}): string {
  return buildForwardRequestHead(request(raw), { ...CLIENT, ...options }).toString('latin1');
}

describe('forwarded request head', () => {
  test('keeps the request line and end-to-end fields byte for byte, appends forwarding fields', () => {
    const out = forward(
      'GET /a?b HTTP/1.1\r\nHost: app.example\r\nAccept: */*\r\nX-Custom:  v \r\n\r\n',
    );
    expect(out).toBe(
      'GET /a?b HTTP/1.1\r\nHost: app.example\r\nAccept: */*\r\nX-Custom:  v \r\n' +
        'x-forwarded-for: 203.0.113.7\r\nx-forwarded-proto: http\r\nx-forwarded-host: app.example\r\n\r\n',
    );
  });

  test('drops hop-by-hop fields and every field named in Connection', () => {
    const out = forward(
      'GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, X-Hop, x-other\r\nKeep-Alive: timeout=5\r\n' +
        'Proxy-Connection: keep-alive\r\nTE: trailers\r\nTrailer: X-Sum\r\nUpgrade: h2c\r\nX-Hop: 1\r\n' +
        'X-OTHER: 2\r\nX-Keep: 3\r\n\r\n',
    );
    expect(request(out).headers.map(([name]) => name)).toEqual([
      'Host',
      'X-Keep',
      'x-forwarded-for',
      'x-forwarded-proto',
      'x-forwarded-host',
    ]);
  });

  test('Connection cannot strip the fields framing and routing depend on', () => {
    const out = forward(
      'POST / HTTP/1.1\r\nHost: h\r\nConnection: content-length, host\r\nContent-Length: 2\r\n\r\n',
    );
    const head = request(out);
    expect(head.host).toBe('h');
    expect(head.contentLength).toBe(2);
  });

  test('chunked is re-framed as one canonical transfer-encoding line', () => {
    const out = forward('POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: , CHUNKED\r\n\r\n');
    expect(out).toContain('\r\ntransfer-encoding: chunked\r\n');
    expect(out).not.toContain('CHUNKED');
    expect(request(out).chunked).toBe(true);
  });

  test('an untrusted peer cannot forge X-Forwarded-* or Forwarded', () => {
    const out = forward(
      'GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 1.1.1.1\r\nX-Forwarded-Proto: https\r\n' +
        'X-Forwarded-Host: evil\r\nForwarded: for=1.1.1.1\r\n\r\n',
    );
    const head = request(out);
    expect(head.get('x-forwarded-for')).toBe('203.0.113.7');
    expect(head.get('x-forwarded-proto')).toBe('http');
    expect(head.get('x-forwarded-host')).toBe('h');
    expect(head.get('forwarded')).toBeUndefined();
  });

  test('a trusted proxy has its lists extended and its proto and host kept', () => {
    const out = forward(
      'GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 1.1.1.1, 2.2.2.2\r\nX-Forwarded-For: 3.3.3.3\r\n' +
        'X-Forwarded-Proto: https\r\nX-Forwarded-Host: public.example\r\nForwarded: for=1.1.1.1\r\n\r\n',
      { trustForwarded: true, forwarded: true },
    );
    const head = request(out);
    expect(head.get('x-forwarded-for')).toBe('1.1.1.1, 2.2.2.2, 3.3.3.3, 203.0.113.7');
    expect(head.indexOf('x-forwarded-for', head.indexOf('x-forwarded-for') + 1)).toBe(-1);
    expect(head.get('x-forwarded-proto')).toBe('https');
    expect(head.get('x-forwarded-host')).toBe('public.example');
    expect(head.get('forwarded')).toBe('for=1.1.1.1, for=203.0.113.7;host=h;proto=http');
  });

  test('Forwarded quotes IPv6 nodes and hosts with a port', () => {
    const out = forward('GET / HTTP/1.1\r\nHost: h:8080\r\n\r\n', {
      clientAddress: '2001:db8::1',
      proto: 'https',
      forwarded: true,
    });
    expect(request(out).get('forwarded')).toBe('for="[2001:db8::1]";host="h:8080";proto=https');
  });

  test('a tunnel keeps Upgrade and says Connection: upgrade', () => {
    const raw = 'GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n';
    const head = request(forward(raw, { tunnel: true }));
    expect(head.upgrade).toBe('websocket');
    expect(head.connectionTokens).toEqual(['upgrade']);
    expect(request(forward(raw)).upgrade).toBeUndefined();
  });

  test('HTTP/1.0 requests ask the backend to keep the pooled connection', () => {
    expect(request(forward('GET / HTTP/1.0\r\n\r\n')).connectionTokens).toEqual(['keep-alive']);
    expect(request(forward('GET / HTTP/1.1\r\nHost: h\r\n\r\n')).connectionTokens).toEqual([]);
    expect(
      request(forward('GET / HTTP/1.1\r\nHost: h\r\n\r\n', { connection: 'close' })).keepAlive,
    ).toBe(false);
  });

  test('extra fields are appended last; a CR or LF in them throws', () => {
    const out = forward('GET / HTTP/1.1\r\nHost: h\r\n\r\n', {
      extraFields: [['x-lb-backend', 'b1']],
    });
    expect(out.endsWith('x-lb-backend: b1\r\n\r\n')).toBe(true);
    expect(() =>
      forward('GET / HTTP/1.1\r\nHost: h\r\n\r\n', { extraFields: [['x', 'a\r\nInjected: 1']] }),
    ).toThrow(TypeError);
    expect(() =>
      forward('GET / HTTP/1.1\r\nHost: h\r\n\r\n', { extraFields: [['x y', 'a']] }),
    ).toThrow(TypeError);
    expect(() =>
      forward('GET / HTTP/1.1\r\nHost: h\r\n\r\n', { clientAddress: '1.2.3.4\n' }),
    ).toThrow(TypeError);
  });
});

describe('response head for the client', () => {
  test('strips hop-by-hop fields and keeps the rest byte for byte', () => {
    const head = response(
      'HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Internal\r\nKeep-Alive: timeout=5\r\nX-Internal: 1\r\n' +
        'Content-Length: 2\r\nSet-Cookie: a=b\r\n\r\n',
    );
    expect(buildClientResponseHead(head).toString('latin1')).toBe(
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nSet-Cookie: a=b\r\n\r\n',
    );
  });

  test('chunked responses carry their canonical coding list', () => {
    const head = response(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    expect(buildClientResponseHead(head).toString('latin1')).toBe(
      'HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, chunked\r\n\r\n',
    );
  });

  test('a close-delimited response always tells the client the connection closes', () => {
    const head = response('HTTP/1.0 200 OK\r\nX: y\r\n\r\n');
    expect(buildClientResponseHead(head, { connection: 'keep-alive' }).toString('latin1')).toBe(
      'HTTP/1.1 200 OK\r\nX: y\r\nconnection: close\r\n\r\n',
    );
  });

  test("an HTTP/1.0 status line gets the proxy's version, the rest kept", () => {
    const head = response('HTTP/1.0 404 Not Here\r\nContent-Length: 0\r\n\r\n');
    expect(buildClientResponseHead(head, {}, bytes('')).toString('latin1')).toBe(
      'HTTP/1.1 404 Not Here\r\nContent-Length: 0\r\n\r\n',
    );
  });

  test('connection and extra fields are added on request', () => {
    const head = response('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    const out = buildClientResponseHead(head, {
      connection: 'close',
      extraFields: [['set-cookie', 'lb=b1']],
    });
    expect(out.toString('latin1')).toBe(
      'HTTP/1.1 200 OK\r\nContent-Length: 0\r\nconnection: close\r\nset-cookie: lb=b1\r\n\r\n',
    );
  });

  test('a 101 keeps Upgrade when tunnelling', () => {
    const head = response(
      'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
    );
    expect(buildClientResponseHead(head, { tunnel: true }).toString('latin1')).toBe(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nconnection: upgrade\r\n\r\n',
    );
  });

  describe('with the body bytes that came in the same read', () => {
    const raw = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX: y\r\n\r\n';
    const parse = (chunk: Buffer) => {
      const parser = new ResponseHeadParser();
      parser.reset('GET');
      const end = parser.push(chunk);
      if (end < 0) throw new Error(JSON.stringify(parser.error));
      return { head: parser.head!, body: chunk.subarray(end) };
    };

    test('an unchanged head and its body are one view of the chunk: no copy', () => {
      const chunk = bytes(raw + 'hello');
      const { head, body } = parse(chunk);
      const out = buildClientResponseHead(head, {}, body);
      expect(out.toString('latin1')).toBe(raw + 'hello');
      expect(out.buffer).toBe(chunk.buffer);
      expect(out.byteOffset).toBe(chunk.byteOffset);
      chunk[chunk.length - 1] = 0x21; // '!': the output sees the chunk's own memory
      expect(out.toString('latin1')).toBe(raw + 'hell!');
    });

    test('a changed head gets the body copied behind it', () => {
      const chunk = bytes(raw + 'hello');
      const { head, body } = parse(chunk);
      const out = buildClientResponseHead(head, { connection: 'close' }, body);
      expect(out.toString('latin1')).toBe(raw.slice(0, -2) + 'connection: close\r\n\r\nhello');
      chunk[chunk.length - 1] = 0x21;
      expect(out.toString('latin1').endsWith('hello')).toBe(true);
    });

    test('a body that is not next to the head in memory is copied', () => {
      const { head } = parse(bytes(raw));
      const out = buildClientResponseHead(head, {}, bytes('hello'));
      expect(out.toString('latin1')).toBe(raw + 'hello');
    });

    test('an empty body gives the head alone', () => {
      const chunk = bytes(raw);
      const { head, body } = parse(chunk);
      expect(buildClientResponseHead(head, {}, body).toString('latin1')).toBe(raw);
    });
  });

  test('Transfer-Encoding is dropped from 204 and 1xx responses', () => {
    const head = response('HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n');
    expect(buildClientResponseHead(head).toString('latin1')).toBe(
      'HTTP/1.1 204 No Content\r\n\r\n',
    );
  });

  test('a HEAD response keeps its Content-Length', () => {
    const head = response('HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n', 'HEAD');
    expect(buildClientResponseHead(head).toString('latin1')).toBe(
      'HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n',
    );
  });
});

describe('error responses', () => {
  test('status, code header, short body and matching length', () => {
    const out = renderErrorResponse({
      status: 503,
      code: 'LB_ERR_QUEUE_TIMEOUT',
      retryAfterSec: 2.2,
      close: true,
    });
    expect(out.toString('latin1')).toBe(
      'HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 24\r\n' +
        'x-lb-error: LB_ERR_QUEUE_TIMEOUT\r\nretry-after: 3\r\nconnection: close\r\n\r\n503 Service Unavailable\n',
    );
  });

  test('the rendered response parses, and its body has the announced length', () => {
    const out = renderErrorResponse({
      status: 504,
      code: 'LB_ERR_BACKEND_TIMEOUT',
      message: 'backend timeout',
    });
    const parser = new ResponseHeadParser();
    parser.reset('GET');
    const end = parser.push(out);
    expect(parser.head).toMatchObject({ status: 504, reason: 'Gateway Timeout', keepAlive: true });
    expect(parser.head?.get('x-lb-error')).toBe('LB_ERR_BACKEND_TIMEOUT');
    expect(out.length - end).toBe(parser.head?.contentLength);
    expect(out.subarray(end).toString()).toBe('504 Gateway Timeout: backend timeout\n');
  });

  test('headOnly answers a HEAD request without body bytes', () => {
    const out = renderErrorResponse({ status: 502, code: 'LB_ERR_BACKEND_RESET', headOnly: true });
    expect(
      out
        .toString('latin1')
        .endsWith('content-length: 16\r\nx-lb-error: LB_ERR_BACKEND_RESET\r\n\r\n'),
    ).toBe(true);
  });

  test('a codec error renders with its status and code and always closes', () => {
    const out = renderCodecError(codecError('client', 'headTooLarge')).toString('latin1');
    expect(out.startsWith('HTTP/1.1 431 Request Header Fields Too Large\r\n')).toBe(true);
    expect(out).toContain('x-lb-error: LB_ERR_HEADERS_TOO_LARGE\r\n');
    expect(out).toContain('connection: close\r\n');
    expect(out.endsWith('431 Request Header Fields Too Large: message head too large\n')).toBe(
      true,
    );
  });

  test('an unknown status gets a generic phrase; a bad message throws', () => {
    expect(renderErrorResponse({ status: 418, code: 'X' }).toString('latin1')).toMatch(
      /^HTTP\/1.1 418 Error\r\n/,
    );
    expect(() => renderErrorResponse({ status: 400, code: 'X', message: 'a\r\nb' })).toThrow(
      TypeError,
    );
  });
});
