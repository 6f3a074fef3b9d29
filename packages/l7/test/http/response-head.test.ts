import { FAILED, NEED_MORE, ResponseHeadParser, type ResponseHead } from '../../src/http';
import { bytes } from './helpers';

function parse(text: string, method = 'GET'): ResponseHead {
  const parser = new ResponseHeadParser();
  parser.reset(method);
  const end = parser.push(bytes(text));
  if (end < 0) throw new Error(`expected a head, got ${JSON.stringify(parser.error)}`);
  return parser.head as ResponseHead;
}

function reject(text: string, method = 'GET') {
  const parser = new ResponseHeadParser({ maxHeadBytes: 256, maxFields: 5 });
  parser.reset(method);
  expect(parser.push(bytes(text))).toBe(FAILED);
  return parser.error;
}

describe('response head: status line and fields', () => {
  test('reports version, status, reason and headers', () => {
    const head = parse('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nX-Id: b1\r\n\r\n');
    expect(head).toMatchObject({
      version: '1.1',
      status: 404,
      reason: 'Not Found',
      contentLength: 0,
    });
    expect(head.headers).toEqual([
      ['Content-Length', '0'],
      ['X-Id', 'b1'],
    ]);
  });

  test('an empty reason, with or without its space, is accepted', () => {
    expect(parse('HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n').reason).toBe('');
    expect(parse('HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n').reason).toBe('');
  });

  test('Keep-Alive: timeout=N is reported in seconds; malformed values are ignored', () => {
    expect(
      parse('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5, max=100\r\nContent-Length: 0\r\n\r\n')
        .keepAliveTimeoutSec,
    ).toBe(5);
    expect(
      parse('HTTP/1.1 200 OK\r\nKeep-Alive: max=3, TIMEOUT = 9\r\nContent-Length: 0\r\n\r\n')
        .keepAliveTimeoutSec,
    ).toBe(9);
    expect(
      parse('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=soon\r\nContent-Length: 0\r\n\r\n')
        .keepAliveTimeoutSec,
    ).toBeUndefined();
    expect(
      parse('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n').keepAliveTimeoutSec,
    ).toBeUndefined();
  });

  test('a non-chunked coding before chunked is kept in canonical form', () => {
    const head = parse(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: GZIP\r\nTransfer-Encoding: ,chunked\r\n\r\n',
    );
    expect(head).toMatchObject({
      chunked: true,
      transferEncoding: 'gzip, chunked',
      framing: 'chunked',
    });
  });

  test('the head ends where the body starts, across chunks', () => {
    const parser = new ResponseHeadParser();
    parser.reset('GET');
    expect(parser.push(bytes('HTTP/1.1 200 OK\r\nContent-Length: 2\r'))).toBe(NEED_MORE);
    expect(parser.push(bytes('\n\r\nok'))).toBe(3);
    expect(parser.head?.contentLength).toBe(2);
  });
});

describe('response head: body and connection rules (RFC 9112 section 6.3)', () => {
  test.each([
    // [name, method, status line + fields, framing, hasBody, keepAlive]
    ['200 with content-length', 'GET', '200 OK\r\nContent-Length: 3', 'length', true, true],
    ['200 chunked', 'GET', '200 OK\r\nTransfer-Encoding: chunked', 'chunked', true, true],
    ['200 without length reads until close', 'GET', '200 OK', 'close', true, false],
    [
      'HEAD response with content-length has no body',
      'HEAD',
      '200 OK\r\nContent-Length: 3',
      'none',
      false,
      true,
    ],
    [
      'HEAD response with chunked has no body',
      'HEAD',
      '200 OK\r\nTransfer-Encoding: chunked',
      'none',
      false,
      true,
    ],
    ['HEAD response without length keeps the connection', 'HEAD', '200 OK', 'none', false, true],
    ['204 has no body', 'GET', '204 No Content\r\nContent-Length: 3', 'none', false, true],
    ['304 has no body', 'GET', '304 Not Modified\r\nContent-Length: 3', 'none', false, true],
    ['100 has no body', 'POST', '100 Continue', 'none', false, true],
    ['103 has no body', 'GET', '103 Early Hints\r\nLink: </a>', 'none', false, true],
    [
      '101 starts a tunnel',
      'GET',
      '101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket',
      'tunnel',
      false,
      false,
    ],
    [
      '2xx to CONNECT starts a tunnel',
      'CONNECT',
      '200 Connection Established',
      'tunnel',
      false,
      false,
    ],
    [
      '4xx to CONNECT has a body',
      'CONNECT',
      '407 Proxy Auth\r\nContent-Length: 2',
      'length',
      true,
      true,
    ],
    [
      'Connection: close',
      'GET',
      '200 OK\r\nContent-Length: 1\r\nConnection: close',
      'length',
      true,
      false,
    ],
  ])('%s', (_name, method, rest, framing, hasBody, keepAlive) => {
    const head = parse(`HTTP/1.1 ${rest}\r\n\r\n`, method);
    expect(head).toMatchObject({ framing, hasBody, keepAlive });
  });

  test.each([
    ['1.0 without keep-alive closes', 'HTTP/1.0 200 OK\r\nContent-Length: 1', false],
    [
      '1.0 with keep-alive persists',
      'HTTP/1.0 200 OK\r\nContent-Length: 1\r\nConnection: keep-alive',
      true,
    ],
    [
      '1.0 keep-alive without length still closes',
      'HTTP/1.0 200 OK\r\nConnection: keep-alive',
      false,
    ],
  ])('%s', (_name, raw, keepAlive) => {
    expect(parse(`${raw}\r\n\r\n`).keepAlive).toBe(keepAlive);
  });

  test('interim responses are flagged; 101 is not interim', () => {
    expect(parse('HTTP/1.1 100 Continue\r\n\r\n').informational).toBe(true);
    expect(parse('HTTP/1.1 103 Early Hints\r\n\r\n').informational).toBe(true);
    expect(parse('HTTP/1.1 101 Switching Protocols\r\n\r\n').informational).toBe(false);
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n').informational).toBe(false);
  });

  test('a 101 reports the protocol it switches to', () => {
    const head = parse(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
    );
    expect(head.upgrade).toBe('websocket');
    expect(
      parse('HTTP/1.1 200 OK\r\nUpgrade: h2c\r\nContent-Length: 0\r\n\r\n').upgrade,
    ).toBeUndefined();
  });

  test('the request method is taken from the last reset', () => {
    const parser = new ResponseHeadParser();
    parser.reset('HEAD');
    parser.push(bytes('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n'));
    expect(parser.head?.hasBody).toBe(false);
    parser.reset('GET');
    parser.push(bytes('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n'));
    expect(parser.head?.hasBody).toBe(true);
  });
});

describe('response head: what would let a backend smuggle is a 502', () => {
  test('CL with TE is rejected even where no body follows (HEAD, 204)', () => {
    const raw = 'Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n';
    expect(reject(`HTTP/1.1 200 OK\r\n${raw}`, 'HEAD')?.kind).toBe(
      'contentLengthWithTransferEncoding',
    );
    expect(reject(`HTTP/1.1 204 No Content\r\n${raw}`)?.kind).toBe(
      'contentLengthWithTransferEncoding',
    );
  });

  test.each([
    [
      'content-length with transfer-encoding',
      'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked',
      'contentLengthWithTransferEncoding',
    ],
    [
      'transfer-encoding before content-length',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3',
      'contentLengthWithTransferEncoding',
    ],
    [
      'duplicate content-length',
      'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3',
      'duplicateContentLength',
    ],
    ['signed content-length', 'HTTP/1.1 200 OK\r\nContent-Length: -1', 'badContentLength'],
    ['content-length list', 'HTTP/1.1 200 OK\r\nContent-Length: 3,3', 'badContentLength'],
    [
      'final coding not chunked',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip',
      'finalCodingNotChunked',
    ],
    ['chunked twice', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked', 'chunkedTwice'],
    [
      'transfer-encoding in HTTP/1.0',
      'HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked',
      'transferEncodingInHttp10',
    ],
    ['bare LF line end', 'HTTP/1.1 200 OK\nContent-Length: 0', 'bareLf'],
    ['bare CR in a value', 'HTTP/1.1 200 OK\r\nX: a\rb', 'bareCr'],
    ['bare CR in the status line', 'HTTP/1.1 200 O\rK', 'bareCr'],
    ['obs-fold', 'HTTP/1.1 200 OK\r\nX: a\r\n b', 'obsFold'],
    ['whitespace before colon', 'HTTP/1.1 200 OK\r\nContent-Length : 0', 'whitespaceBeforeColon'],
    ['invalid field name', 'HTTP/1.1 200 OK\r\nX/Y: 1', 'badFieldName'],
    ['NUL in a value', 'HTTP/1.1 200 OK\r\nX: \x00', 'badFieldValue'],
    ['unsupported version', 'HTTP/2.0 200 OK', 'unsupportedVersion'],
    ['not HTTP', 'ICY 200 OK', 'badStatusLine'],
    ['two-digit status', 'HTTP/1.1 20 OK', 'badStatusLine'],
    ['four-digit status', 'HTTP/1.1 2000 OK', 'badStatusLine'],
    ['status below 100', 'HTTP/1.1 099 Odd', 'badStatusLine'],
    ['status above 599', 'HTTP/1.1 600 Odd', 'badStatusLine'],
    ['two spaces after the version', 'HTTP/1.1  200 OK', 'badStatusLine'],
    ['control byte in the reason', 'HTTP/1.1 200 O\x01K', 'badStatusLine'],
    ['empty line before the status line', '\r\nHTTP/1.1 200 OK', 'leadingEmptyLines'],
    ['head over maxHeadBytes', `HTTP/1.1 200 OK\r\nX: ${'a'.repeat(300)}`, 'headTooLarge'],
    ['more than maxFields', `HTTP/1.1 200 OK\r\n${'X: 1\r\n'.repeat(5)}Y: 2`, 'tooManyFields'],
  ])('%s', (_name, raw, kind) => {
    expect(reject(`${raw}\r\n\r\n`)).toMatchObject({
      kind,
      code: 'LB_ERR_BAD_RESPONSE',
      status: 502,
      side: 'backend',
    });
  });
});
