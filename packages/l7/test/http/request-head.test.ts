import {
  FAILED,
  FIELD_STRIDE,
  FieldId,
  NEED_MORE,
  RequestHeadParser,
  type RequestHead,
  type RequestHeadOptions,
} from '../../src/http';
import { bytes } from './helpers';

function parse(text: string | Buffer, options?: RequestHeadOptions): RequestHead {
  const parser = new RequestHeadParser(options);
  const data = typeof text === 'string' ? bytes(text) : text;
  const end = parser.push(data);
  if (end < 0) throw new Error(`expected a head, got ${end} ${JSON.stringify(parser.error)}`);
  return parser.head as RequestHead;
}

function reject(text: string | Buffer, options?: RequestHeadOptions) {
  const parser = new RequestHeadParser(options);
  const data = typeof text === 'string' ? bytes(text) : text;
  expect(parser.push(data)).toBe(FAILED);
  expect(parser.head).toBeUndefined();
  return parser.error;
}

describe('request head: accepted requests', () => {
  test('a simple GET reports method, target, version, headers and head size', () => {
    const raw = 'GET /a/b?c=d HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n';
    const head = parse(raw);
    expect(head.method).toBe('GET');
    expect(head.target).toBe('/a/b?c=d');
    expect(head.version).toBe('1.1');
    expect(head.headers).toEqual([
      ['Host', 'example.com'],
      ['Accept', '*/*'],
    ]);
    expect(head.headBytes).toBe(raw.length);
    expect(head.host).toBe('example.com');
    expect(head.framing).toBe('none');
    expect(head.keepAlive).toBe(true);
  });

  test('header order and original case are preserved, values lose surrounding OWS only', () => {
    const head = parse('GET / HTTP/1.1\r\nhOsT: h\r\nX-A:  \t a  b \t\r\nx-a: 2\r\nEmpty:\r\n\r\n');
    expect(head.headers).toEqual([
      ['hOsT', 'h'],
      ['X-A', 'a  b'],
      ['x-a', '2'],
      ['Empty', ''],
    ]);
  });

  test('field offsets delimit each line so a caller can cut lines out', () => {
    const raw = 'GET / HTTP/1.1\r\nHost: h\r\nX-Drop: me\r\nAccept: x\r\n\r\n';
    const head = parse(raw);
    expect(head.fields.length).toBe(3 * FIELD_STRIDE);
    expect(head.buffer.toString('latin1', head.lineStart(1), head.lineEnd(1))).toBe(
      'X-Drop: me\r\n',
    );
    const cut = Buffer.concat([
      head.buffer.subarray(0, head.lineStart(1)),
      head.buffer.subarray(head.lineEnd(1)),
    ]);
    expect(cut.toString('latin1')).toBe('GET / HTTP/1.1\r\nHost: h\r\nAccept: x\r\n\r\n');
    expect(head.requestLineEnd).toBe('GET / HTTP/1.1\r\n'.length);
    expect(head.fieldId(0)).toBe(FieldId.host);
    expect(head.fieldId(1)).toBe(FieldId.other);
    expect(head.indexOf('accept')).toBe(2);
    expect(head.get('x-drop')).toBe('me');
    expect(head.get('missing')).toBeUndefined();
  });

  test('obs-text and HTAB inside values are kept byte for byte (latin1)', () => {
    const raw = Buffer.concat([
      bytes('GET / HTTP/1.1\r\nHost: h\r\nX: a\tb'),
      Buffer.from([0xe9, 0xff]),
      bytes('\r\n\r\n'),
    ]);
    const value = parse(raw).headers[1][1];
    expect(Buffer.from(value, 'latin1')).toEqual(
      Buffer.concat([bytes('a\tb'), Buffer.from([0xe9, 0xff])]),
    );
  });

  test.each([
    [
      'content-length',
      'Content-Length: 42',
      { contentLength: 42, chunked: false, framing: 'length' },
    ],
    ['content-length zero', 'Content-Length: 0', { contentLength: 0, framing: 'length' }],
    ['content-length with leading zeros', 'Content-Length: 007', { contentLength: 7 }],
    [
      'largest content-length',
      'Content-Length: 999999999999999',
      { contentLength: 999999999999999 },
    ],
    [
      'chunked',
      'Transfer-Encoding: chunked',
      { chunked: true, contentLength: undefined, framing: 'chunked' },
    ],
    ['chunked in any case', 'Transfer-Encoding: ChUnKeD', { chunked: true }],
    ['chunked with empty list elements', 'Transfer-Encoding: , chunked ,', { chunked: true }],
  ])('framing: %s', (_name, field, expected) => {
    expect(parse(`POST / HTTP/1.1\r\nHost: h\r\n${field}\r\n\r\n`)).toMatchObject(expected);
  });

  test.each([
    ['1.1 default', '1.1', '', true, []],
    ['1.1 close', '1.1', 'Connection: close', false, ['close']],
    [
      '1.1 close among others',
      '1.1',
      'Connection: keep-alive, Close',
      false,
      ['keep-alive', 'close'],
    ],
    ['1.0 default', '1.0', '', false, []],
    ['1.0 keep-alive', '1.0', 'Connection: Keep-Alive', true, ['keep-alive']],
    [
      '1.0 keep-alive then close',
      '1.0',
      'Connection: keep-alive\r\nConnection: close',
      false,
      ['keep-alive', 'close'],
    ],
    [
      'options lowercased, empty elements ignored',
      '1.1',
      'Connection: ,X-Foo, ,TE',
      true,
      ['x-foo', 'te'],
    ],
  ])('keep-alive: %s', (_name, version, field, keepAlive, tokens) => {
    const line = field === '' ? '' : field + '\r\n';
    const head = parse(`GET / HTTP/${version}\r\nHost: h\r\n${line}\r\n`);
    expect(head.keepAlive).toBe(keepAlive);
    expect(head.connectionTokens).toEqual(tokens);
  });

  test('expect: 100-continue is reported for HTTP/1.1 only', () => {
    expect(
      parse('PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n')
        .expectContinue,
    ).toBe(true);
    expect(parse('PUT / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n').expectContinue).toBe(false);
    expect(parse('PUT / HTTP/1.1\r\nHost: h\r\nExpect: something\r\n\r\n').expectContinue).toBe(
      false,
    );
  });

  test('upgrade is reported only when Connection names it, in HTTP/1.1', () => {
    const ws = 'GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n';
    expect(parse(ws).upgrade).toBe('websocket');
    expect(
      parse('GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n\r\n').upgrade,
    ).toBeUndefined();
    expect(
      parse('GET / HTTP/1.0\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n').upgrade,
    ).toBeUndefined();
  });

  test('host: an empty Host is valid, HTTP/1.0 may omit it, IPv6 literal and port are accepted', () => {
    expect(parse('GET / HTTP/1.1\r\nHost:\r\n\r\n').host).toBe('');
    expect(parse('GET / HTTP/1.0\r\n\r\n').host).toBeUndefined();
    expect(parse('GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n').host).toBe('[::1]:8080');
  });

  test.each([
    ['origin-form', 'GET', '/p?q'],
    ['absolute-form', 'GET', 'http://example.com/p'],
    ['asterisk-form', 'OPTIONS', '*'],
    ['authority-form', 'CONNECT', 'example.com:443'],
    ['an extension method', 'PURGE', '/x'],
    ['a method with symbol tchars', "M!#$%&'*+-.^_`|~1", '/'],
  ])('request-target: %s', (_name, method, target) => {
    const head = parse(`${method} ${target} HTTP/1.1\r\nHost: h\r\n\r\n`);
    expect(head.method).toBe(method);
    expect(head.target).toBe(target);
  });

  test('up to maxLeadingEmptyLines empty lines before the request line are skipped', () => {
    const head = parse('\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n');
    expect(head.target).toBe('/');
    expect(head.buffer.toString('latin1')).toBe('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
    expect(head.fieldName(0)).toBe('Host');
  });

  test('a head at exactly the limits is accepted', () => {
    const line = 'GET /' + 'a'.repeat(95) + ' HTTP/1.1';
    const fields = 'Host: h\r\n' + 'X: y\r\n'.repeat(2);
    const raw = `${line}\r\n${fields}\r\n`;
    const head = parse(raw, {
      maxRequestLineBytes: line.length,
      maxFields: 3,
      maxHeadBytes: raw.length,
    });
    expect(head.headBytes).toBe(raw.length);
  });
});

describe('request head: incremental use', () => {
  test('returns NEED_MORE until the empty line arrives, then the offset of the body', () => {
    const parser = new RequestHeadParser();
    expect(parser.push(bytes('POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n'))).toBe(
      NEED_MORE,
    );
    expect(parser.push(bytes('\r'))).toBe(NEED_MORE);
    expect(parser.push(bytes('\nhello'))).toBe(1);
    expect(parser.head?.contentLength).toBe(5);
  });

  test('push honours a start offset inside the chunk', () => {
    const data = bytes('xxxxGET / HTTP/1.1\r\nHost: h\r\n\r\nrest');
    const parser = new RequestHeadParser();
    expect(parser.push(data, 4)).toBe(data.length - 4);
    expect(parser.head?.buffer.toString('latin1')).toBe('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
  });

  test('a head in one chunk is a view of it, not a copy', () => {
    const data = bytes('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
    const head = parse(data);
    expect(head.buffer.buffer).toBe(data.buffer);
  });

  test('pipelined requests in one buffer are parsed one after the other, nothing lost', () => {
    const data = bytes(
      'GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\nGET /3 HTTP/1.1\r\nHost: h\r\n\r\n',
    );
    const parser = new RequestHeadParser();
    const targets: string[] = [];
    for (let offset = 0; offset < data.length; parser.reset()) {
      offset = parser.push(data, offset);
      targets.push(parser.head?.target ?? 'error');
    }
    expect(targets).toEqual(['/1', '/2', '/3']);
  });

  test('pushing again without reset is a programming error', () => {
    const parser = new RequestHeadParser();
    parser.push(bytes('GET / HTTP/1.1\r\nHost: h\r\n\r\n'));
    expect(() => parser.push(bytes('GET'))).toThrow(/reset/);
  });

  test('an empty chunk changes nothing', () => {
    const parser = new RequestHeadParser();
    expect(parser.push(Buffer.alloc(0))).toBe(NEED_MORE);
    const data = bytes('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
    expect(parser.push(data)).toBe(data.length);
  });
});

type Case = [name: string, raw: string | Buffer, kind: string, status?: number];

const BAD: Case[] = [
  // Framing conflicts and Content-Length.
  [
    'content-length with transfer-encoding',
    'Content-Length: 5\r\nTransfer-Encoding: chunked',
    'contentLengthWithTransferEncoding',
  ],
  [
    'transfer-encoding with content-length',
    'Transfer-Encoding: chunked\r\nContent-Length: 5',
    'contentLengthWithTransferEncoding',
  ],
  [
    'duplicate content-length, equal values',
    'Content-Length: 5\r\nContent-Length: 5',
    'duplicateContentLength',
  ],
  [
    'duplicate content-length, different values',
    'Content-Length: 5\r\nContent-Length: 6',
    'duplicateContentLength',
  ],
  ['content-length list', 'Content-Length: 5, 5', 'badContentLength'],
  ['non-numeric content-length', 'Content-Length: abc', 'badContentLength'],
  ['plus-signed content-length', 'Content-Length: +5', 'badContentLength'],
  ['minus-signed content-length', 'Content-Length: -5', 'badContentLength'],
  ['hex content-length', 'Content-Length: 0x10', 'badContentLength'],
  ['fractional content-length', 'Content-Length: 1.5', 'badContentLength'],
  ['content-length with inner space', 'Content-Length: 1 2', 'badContentLength'],
  ['empty content-length', 'Content-Length: ', 'badContentLength'],
  ['content-length of 16 digits', 'Content-Length: 1000000000000000', 'contentLengthTooLarge'],
  [
    'content-length beyond 2^64',
    'Content-Length: 99999999999999999999999',
    'contentLengthTooLarge',
  ],
  // Transfer-Encoding.
  ['final coding not chunked', 'Transfer-Encoding: gzip', 'finalCodingNotChunked'],
  ['chunked not last', 'Transfer-Encoding: chunked, gzip', 'chunkedNotLast'],
  ['chunked twice', 'Transfer-Encoding: chunked, chunked', 'chunkedTwice'],
  [
    'chunked twice over two lines',
    'Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked',
    'chunkedTwice',
  ],
  [
    'chunked not last over two lines',
    'Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip',
    'chunkedNotLast',
  ],
  ['empty transfer-encoding', 'Transfer-Encoding: ', 'emptyTransferEncoding'],
  ['only commas in transfer-encoding', 'Transfer-Encoding: , ,', 'emptyTransferEncoding'],
  ['coding with parameters', 'Transfer-Encoding: chunked;q=1', 'badTransferCoding'],
  ['coding with a space inside', 'Transfer-Encoding: chun ked', 'badTransferCoding'],
  [
    'unsupported coding before chunked',
    'Transfer-Encoding: gzip, chunked',
    'unsupportedTransferCoding',
    501,
  ],
  // Field syntax.
  ['obs-fold with SP', 'X-A: 1\r\n 2', 'obsFold'],
  ['obs-fold with HTAB', 'X-A: 1\r\n\t2', 'obsFold'],
  ['space between name and colon', 'Content-Length : 5', 'whitespaceBeforeColon'],
  ['tab between name and colon', 'X-A\t: 1', 'whitespaceBeforeColon'],
  ['space inside a name', 'X A: 1', 'whitespaceBeforeColon'],
  ['field line without colon', 'X-A 1', 'whitespaceBeforeColon'],
  ['field line of one token', 'JustAName', 'missingColon'],
  ['empty field name', ': value', 'badFieldName'],
  ['@ in field name', 'X@Y: 1', 'badFieldName'],
  ['( in field name', 'X(Y: 1', 'badFieldName'],
  ['non-ASCII field name', Buffer.from([0x58, 0xc4, 0x3a, 0x20, 0x31]), 'badFieldName'],
  ['NUL in field value', 'X-A: a\x00b', 'badFieldValue'],
  ['0x01 in field value', 'X-A: \x01', 'badFieldValue'],
  ['0x1f in field value', 'X-A: a\x1f', 'badFieldValue'],
  ['DEL in field value', 'X-A: a\x7fb', 'badFieldValue'],
  ['vertical tab in field value', 'X-A: a\x0bb', 'badFieldValue'],
  ['bare CR in field value', 'X-A: a\rb', 'bareCr'],
  ['bare CR in field name', 'X\rA: b', 'bareCr'],
  ['bare LF in field value', 'X-A: a\nb', 'bareLf'],
  ['bare LF line end', 'X-A: a\nX-B: b', 'bareLf'],
  ['CR CR LF line end', 'X-A: a\r\r', 'bareCr'],
  // Connection and Host.
  ['invalid connection option', 'Connection: keep alive', 'badConnection'],
  ['duplicate host', 'Host: h', 'duplicateHost'],
];

function withRequestLine(fields: string | Buffer, extraHost = true): Buffer {
  const prefix = bytes(`POST / HTTP/1.1\r\n${extraHost ? 'Host: h\r\n' : ''}`);
  const body = typeof fields === 'string' ? bytes(fields) : fields;
  return Buffer.concat([prefix, body, bytes('\r\n\r\n')]);
}

describe('request head: rejected fields', () => {
  test.each(BAD)('%s', (_name, fields, kind, status = 400) => {
    const error = reject(withRequestLine(fields));
    expect(error).toMatchObject({ kind, status, side: 'client' });
    expect(error?.code).toBe(status === 501 ? 'LB_ERR_NOT_IMPLEMENTED' : 'LB_ERR_BAD_REQUEST');
  });

  test.each([
    ['missing host in HTTP/1.1', 'GET / HTTP/1.1\r\nAccept: x\r\n\r\n', 'missingHost'],
    ['host with a space', 'GET / HTTP/1.1\r\nHost: a b\r\n\r\n', 'badHost'],
    ['host with a slash', 'GET / HTTP/1.1\r\nHost: a/b\r\n\r\n', 'badHost'],
    ['host with userinfo', 'GET / HTTP/1.1\r\nHost: user@a\r\n\r\n', 'badHost'],
    ['duplicate host in HTTP/1.0', 'GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n', 'duplicateHost'],
    [
      'transfer-encoding in HTTP/1.0',
      'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n',
      'transferEncodingInHttp10',
    ],
  ])('%s', (_name, raw, kind) => {
    expect(reject(raw)).toMatchObject({ kind, code: 'LB_ERR_BAD_REQUEST', status: 400 });
  });
});

describe('request head: rejected request lines', () => {
  test.each([
    ['invalid method token', 'GE(T / HTTP/1.1', 'badMethod'],
    ['method with non-ASCII', 'G\xc9T / HTTP/1.1', 'badMethod'],
    ['empty method', ' / HTTP/1.1', 'badMethod'],
    ['two spaces after the method', 'GET  / HTTP/1.1', 'badRequestLine'],
    ['two spaces before the version', 'GET /  HTTP/1.1', 'badRequestLine'],
    ['tab as separator', 'GET\t/ HTTP/1.1', 'badRequestLine'],
    ['trailing space', 'GET / HTTP/1.1 ', 'badRequestLine'],
    ['space inside the target', 'GET /a b HTTP/1.1', 'badRequestLine'],
    ['missing version (HTTP/0.9 style)', 'GET /', 'badRequestLine'],
    ['only a method', 'GET', 'badRequestLine'],
    ['lowercase version', 'GET / http/1.1', 'badVersion'],
    ['three-digit version', 'GET / HTTP/1.10', 'badVersion'],
    ['version without minor', 'GET / HTTP/1', 'badVersion'],
    ['tab inside the target', 'GET /a\tb HTTP/1.1', 'badTarget'],
    ['CTL inside the target', 'GET /a\x01b HTTP/1.1', 'badTarget'],
    ['DEL inside the target', 'GET /a\x7f HTTP/1.1', 'badTarget'],
    ['non-ASCII byte inside the target', 'GET /caf\xe9 HTTP/1.1', 'badTarget'],
    ['bare CR inside the target', 'GET /a\rb HTTP/1.1', 'bareCr'],
    ['asterisk with GET', 'GET * HTTP/1.1', 'badTarget'],
    ['CONNECT with origin-form', 'CONNECT / HTTP/1.1', 'badTarget'],
    ['CONNECT without port', 'CONNECT example.com HTTP/1.1', 'badTarget'],
    ['target that is no form', 'GET example.com HTTP/1.1', 'badTarget'],
    ['scheme starting with a digit', 'GET 1http://a/ HTTP/1.1', 'badTarget'],
  ])('%s', (_name, line, kind) => {
    expect(reject(`${line}\r\nHost: h\r\n\r\n`)).toMatchObject({
      kind,
      code: 'LB_ERR_BAD_REQUEST',
      status: 400,
    });
  });

  test.each(['HTTP/2.0', 'HTTP/1.2', 'HTTP/0.9', 'HTTP/3.1'])('version %s gets 505', (version) => {
    expect(reject(`GET / ${version}\r\nHost: h\r\n\r\n`)).toMatchObject({
      kind: 'unsupportedVersion',
      code: 'LB_ERR_VERSION_NOT_SUPPORTED',
      status: 505,
    });
  });

  test('a bare LF before the request line is rejected, not skipped', () => {
    expect(reject('\nGET / HTTP/1.1\r\nHost: h\r\n\r\n')).toMatchObject({ kind: 'bareLf' });
  });

  test('more empty lines than maxLeadingEmptyLines are rejected', () => {
    expect(reject('\r\n'.repeat(5) + 'GET / HTTP/1.1\r\nHost: h\r\n\r\n')).toMatchObject({
      kind: 'leadingEmptyLines',
    });
    expect(
      reject('\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n', { maxLeadingEmptyLines: 0 }),
    ).toMatchObject({
      kind: 'leadingEmptyLines',
    });
  });
});

describe('request head: limits', () => {
  test('a request line longer than maxRequestLineBytes gets 414', () => {
    const raw = `GET /${'a'.repeat(100)} HTTP/1.1\r\nHost: h\r\n\r\n`;
    expect(reject(raw, { maxRequestLineBytes: 50 })).toMatchObject({
      kind: 'requestLineTooLong',
      code: 'LB_ERR_URI_TOO_LONG',
      status: 414,
    });
  });

  test('an unfinished request line already over the limit gets 414 without waiting', () => {
    const parser = new RequestHeadParser({ maxRequestLineBytes: 50 });
    expect(parser.push(bytes('GET /' + 'a'.repeat(40)))).toBe(NEED_MORE);
    expect(parser.push(bytes('a'.repeat(20)))).toBe(FAILED);
    expect(parser.error?.status).toBe(414);
  });

  test('a head larger than maxHeadBytes gets 431, complete or not', () => {
    const raw = `GET / HTTP/1.1\r\nHost: h\r\nX: ${'v'.repeat(200)}\r\n\r\n`;
    const limits = { maxHeadBytes: 100 };
    expect(reject(raw, limits)).toMatchObject({
      kind: 'headTooLarge',
      code: 'LB_ERR_HEADERS_TOO_LARGE',
      status: 431,
    });
    expect(reject(raw.slice(0, 150), limits)).toMatchObject({ kind: 'headTooLarge', status: 431 });
  });

  test('the default head limit is 16 KiB', () => {
    const fill = (n: number) => `GET / HTTP/1.1\r\nHost: h\r\nX: ${'v'.repeat(n)}\r\n\r\n`;
    const overhead = fill(0).length;
    expect(parse(fill(16384 - overhead)).headBytes).toBe(16384);
    expect(reject(fill(16385 - overhead))).toMatchObject({ status: 431 });
  });

  test('more than maxFields field lines get 431 (default 100)', () => {
    const head = (n: number) => `GET / HTTP/1.1\r\nHost: h\r\n${'X: 1\r\n'.repeat(n - 1)}\r\n`;
    expect(parse(head(100)).fieldCount).toBe(100);
    expect(reject(head(101))).toMatchObject({
      kind: 'tooManyFields',
      code: 'LB_ERR_HEADERS_TOO_LARGE',
      status: 431,
    });
    expect(reject(head(4), { maxFields: 3 })).toMatchObject({ kind: 'tooManyFields' });
  });

  test('errors are stable frozen objects shared between parsers', () => {
    const a = reject('GET / HTTP/1.1\r\n\r\n');
    const b = reject('GET / HTTP/1.1\r\n\r\n');
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
    expect(a).toEqual({
      code: 'LB_ERR_BAD_REQUEST',
      status: 400,
      reason: 'missing host',
      kind: 'missingHost',
      side: 'client',
    });
  });
});
