import {
  bytes,
  cutAt,
  oneByteChunks,
  randomChunks,
  readRequests,
  readResponses,
  seededRandom,
} from './helpers';

/**
 * The codec must give the same answer however the bytes are cut: one chunk, one byte at a time,
 * a cut at every offset, or random cuts. Each stream holds several messages back to back.
 */

const CHUNKED_BODY =
  '5;name=value;q="a \\"quoted\\" ;x"\r\nhello\r\n' +
  '1A\r\nabcdefghijklmnopqrstuvwxyz\r\n' +
  '0 ; last\r\nChecksum: abc\r\nX-T: 1\r\n\r\n';

const REQUESTS = bytes(
  '\r\n' +
    'GET /first HTTP/1.1\r\nHost: a.example\r\nAccept: */*\r\n\r\n' +
    'POST /upload HTTP/1.1\r\nHost: a.example\r\nContent-Length: 11\r\nX-Tab:\tv\t\r\n\r\n' +
    'hello world' +
    'PUT /chunked HTTP/1.1\r\nHost: a.example\r\nTransfer-Encoding: chunked\r\n' +
    'Connection: keep-alive, X-Hop\r\n\r\n' +
    CHUNKED_BODY +
    'GET /ws HTTP/1.1\r\nHost: b.example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
    'Expect: 100-continue\r\n\r\n' +
    'GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
);

const RESPONSES = bytes(
  'HTTP/1.1 100 Continue\r\n\r\n' +
    'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nKeep-Alive: timeout=7\r\n\r\nhello' +
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nTrailer-A: x\r\n\r\n' +
    'HTTP/1.1 204 No Content\r\nX: y\r\n\r\n' +
    'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n' +
    'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\n\r\n' +
    'HTTP/1.0 200 OK\r\n\r\nuntil the backend closes',
);
const METHODS = ['POST', 'POST', 'GET', 'GET', 'HEAD', 'GET', 'GET'];

describe('request stream: any chunking gives the one-chunk result', () => {
  const whole = readRequests([REQUESTS]);

  test('the one-chunk parse reads every message with its body', () => {
    expect(whole.error).toBeUndefined();
    expect(whole.pending).toBe(false);
    expect(whole.messages.map((m) => m.head.target)).toEqual([
      '/first',
      '/upload',
      '/chunked',
      '/ws',
      '/old',
    ]);
    expect(whole.messages.map((m) => m.body)).toEqual(['', 'hello world', CHUNKED_BODY, '', '']);
    expect(whole.messages[3].head).toMatchObject({ upgrade: 'websocket', expectContinue: true });
  });

  test('one byte at a time', () => {
    expect(readRequests(oneByteChunks(REQUESTS))).toEqual(whole);
  });

  test('a single cut at every offset', () => {
    for (let cut = 1; cut < REQUESTS.length; cut++) {
      expect(readRequests(cutAt(REQUESTS, [cut]))).toEqual(whole);
    }
  });

  test('two cuts at every pair of offsets in the chunked message', () => {
    const start = REQUESTS.indexOf('PUT');
    const end = REQUESTS.indexOf('GET /ws');
    for (let a = start; a < end; a += 5) {
      for (let b = a + 1; b < end; b += 3)
        expect(readRequests(cutAt(REQUESTS, [a, b]))).toEqual(whole);
    }
  });

  test('random cuts (seeded)', () => {
    const random = seededRandom(7);
    for (let round = 0; round < 300; round++) {
      expect(readRequests(randomChunks(REQUESTS, random, 1 + (round % 40)))).toEqual(whole);
    }
  });
});

describe('response stream: any chunking gives the one-chunk result', () => {
  const whole = readResponses([RESPONSES], METHODS);

  test('the one-chunk parse applies the body rules of each response', () => {
    expect(whole.error).toBeUndefined();
    const summary = whole.messages.map((m) => [m.head.status, m.head.framing, m.body]);
    expect(summary).toEqual([
      [100, 'none', ''],
      [200, 'length', 'hello'],
      [200, 'chunked', '3\r\nabc\r\n0\r\nTrailer-A: x\r\n\r\n'],
      [204, 'none', ''],
      [200, 'none', ''],
      [304, 'none', ''],
    ]);
    // The last response is read until close: still pending when the stream stops.
    expect(whole.pending).toBe(true);
  });

  test('one byte at a time', () => {
    expect(readResponses(oneByteChunks(RESPONSES), METHODS)).toEqual(whole);
  });

  test('a single cut at every offset', () => {
    for (let cut = 1; cut < RESPONSES.length; cut++) {
      expect(readResponses(cutAt(RESPONSES, [cut]), METHODS)).toEqual(whole);
    }
  });

  test('random cuts (seeded)', () => {
    const random = seededRandom(11);
    for (let round = 0; round < 300; round++) {
      expect(readResponses(randomChunks(RESPONSES, random, 1 + (round % 40)), METHODS)).toEqual(
        whole,
      );
    }
  });
});

describe('errors do not depend on chunking either', () => {
  test.each([
    ['bare LF', 'GET / HTTP/1.1\r\nHost: h\nX: 1\r\n\r\n', 'bareLf'],
    ['bare CR', 'GET / HTTP/1.1\r\nHost: h\rX: 1\r\n\r\n', 'bareCr'],
    ['CR-only line ends', 'GET / HTTP/1.1\rHost: h\r\r', 'bareCr'],
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: h\r\nX: 1\r\n 2\r\n\r\n', 'obsFold'],
    [
      'CL with TE',
      'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n',
      'contentLengthWithTransferEncoding',
    ],
    [
      'bad chunk size',
      'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nz\r\n',
      'badChunkSize',
    ],
  ])('%s', (_name, raw, kind) => {
    const data = bytes(raw);
    expect(readRequests([data]).error?.kind).toBe(kind);
    expect(readRequests(oneByteChunks(data)).error?.kind).toBe(kind);
    for (let cut = 1; cut < data.length; cut++)
      expect(readRequests(cutAt(data, [cut])).error?.kind).toBe(kind);
  });
});
