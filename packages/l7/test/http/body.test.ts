import {
  ChunkedBody,
  FAILED,
  LengthBody,
  RequestHeadParser,
  ResponseHeadParser,
  UntilCloseBody,
  requestBodyFramer,
  responseBodyFramer,
  type BodyFramer,
  type ChunkedBodyOptions,
  type RequestHead,
  type ResponseHead,
} from '../../src/http';
import { bytes, cutAt, oneByteChunks, randomChunks, seededRandom } from './helpers';

interface Fed {
  consumed: number;
  done: boolean;
  failed: boolean;
}

/** Pushes chunks until the framer is done or fails; `consumed` counts bytes it claimed. */
function feed(framer: BodyFramer, chunks: Buffer[]): Fed {
  let consumed = 0;
  for (const chunk of chunks) {
    const end = framer.push(chunk, 0);
    if (end === FAILED) return { consumed, done: false, failed: true };
    consumed += end;
    if (framer.done) break;
  }
  return { consumed, done: framer.done, failed: false };
}

function chunked(
  text: string,
  options?: ChunkedBodyOptions,
  side: 'client' | 'backend' = 'client',
) {
  const framer = new ChunkedBody(side, options);
  return { framer, end: framer.push(bytes(text)) };
}

describe('content-length body', () => {
  test('claims exactly the announced bytes and leaves the rest', () => {
    const framer = new LengthBody(5, 'client');
    expect(framer.push(bytes('hel'))).toBe(3);
    expect(framer.done).toBe(false);
    expect(framer.push(bytes('xxloGET /'), 2)).toBe(4);
    expect(framer.done).toBe(true);
    expect(framer.payloadBytes).toBe(5);
    expect(framer.push(bytes('more'), 1)).toBe(1);
  });

  test('a zero length body is done before any byte', () => {
    const framer = new LengthBody(0, 'client');
    expect(framer.done).toBe(true);
    expect(framer.push(bytes('GET'))).toBe(0);
    expect(framer.finish()).toBeUndefined();
  });

  test('a truncated body is never complete and reports it on finish', () => {
    const framer = new LengthBody(10, 'backend');
    framer.push(bytes('123456789'));
    expect(framer.done).toBe(false);
    expect(framer.finish()).toMatchObject({
      kind: 'truncatedBody',
      code: 'LB_ERR_BAD_RESPONSE',
      status: 502,
    });
    expect(framer.done).toBe(false);
  });
});

describe('read-until-close body', () => {
  test('claims every byte and ends only when the peer closes', () => {
    const framer = new UntilCloseBody();
    expect(framer.push(bytes('abc'), 1)).toBe(3);
    expect(framer.push(bytes('HTTP/1.1 200 OK'))).toBe(15);
    expect(framer.done).toBe(false);
    expect(framer.finish()).toBeUndefined();
    expect(framer.done).toBe(true);
    expect(framer.payloadBytes).toBe(17);
  });
});

const VALID_CHUNKED: Array<[string, string, number]> = [
  ['one chunk', '5\r\nhello\r\n0\r\n\r\n', 5],
  ['no chunk at all', '0\r\n\r\n', 0],
  ['upper and lower case hex', 'a\r\n0123456789\r\nA\r\n0123456789\r\n0\r\n\r\n', 20],
  ['leading zeros', '0005\r\nhello\r\n000\r\n\r\n', 5],
  ['extension without value', '5;ext\r\nhello\r\n0\r\n\r\n', 5],
  ['extension with token value', '5;a=b\r\nhello\r\n0;last=yes\r\n\r\n', 5],
  ['several extensions', '5;a=b;c;d=e\r\nhello\r\n0\r\n\r\n', 5],
  ['extension with whitespace around ; and =', '5 ; a = b ;\tc\r\nhello\r\n0\r\n\r\n', 5],
  ['quoted extension value', '5;a="x y;z=\\"q\\""\r\nhello\r\n0\r\n\r\n', 5],
  ['quoted value then another extension', '5;a="x" ;b\r\nhello\r\n0\r\n\r\n', 5],
  ['trailers', '5\r\nhello\r\n0\r\nChecksum: abc\r\nX-Empty:\r\nX-Tab:\tv\t\r\n\r\n', 5],
  ['data holding CRLF and framing-like bytes', '7\r\n\r\n0\r\n\r\n\r\n0\r\n\r\n', 7],
];

describe('chunked body: valid bodies pass through with their exact end', () => {
  test.each(VALID_CHUNKED)('%s', (_name, body, payload) => {
    const data = Buffer.concat([bytes(body), bytes('NEXT')]);
    const framer = new ChunkedBody('client');
    expect(framer.push(data)).toBe(body.length);
    expect(framer.done).toBe(true);
    expect(framer.payloadBytes).toBe(payload);
    expect(framer.push(data, body.length)).toBe(body.length);
  });

  test.each(VALID_CHUNKED)(
    '%s, one byte at a time and cut at every offset',
    (_name, body, payload) => {
      const data = bytes(body);
      const framer = new ChunkedBody('client');
      expect(feed(framer, oneByteChunks(data))).toEqual({
        consumed: data.length,
        done: true,
        failed: false,
      });
      expect(framer.payloadBytes).toBe(payload);
      for (let cut = 1; cut < data.length; cut++) {
        expect(feed(new ChunkedBody('client'), cutAt(data, [cut]))).toEqual({
          consumed: data.length,
          done: true,
          failed: false,
        });
      }
    },
  );

  test('random cuts of a long body with many chunks (seeded)', () => {
    const random = seededRandom(3);
    const parts: string[] = [];
    for (let n = 0; n < 50; n++) {
      const size = Math.floor(random() * 300) + 1;
      parts.push(`${size.toString(16)}${n % 3 === 0 ? ';n=' + n : ''}\r\n${'x'.repeat(size)}\r\n`);
    }
    const data = bytes(parts.join('') + '0\r\nT: 1\r\n\r\n');
    for (let round = 0; round < 100; round++) {
      const framer = new ChunkedBody('backend');
      expect(feed(framer, randomChunks(data, random, 64))).toEqual({
        consumed: data.length,
        done: true,
        failed: false,
      });
    }
  });

  test('chunk sizes up to 2^53 - 1 are accepted (and then need that much data)', () => {
    const { framer, end } = chunked('1fffffffffffff\r\nabc');
    expect(end).toBe(19);
    expect(framer.done).toBe(false);
    expect(framer.error).toBeUndefined();
  });
});

describe('chunked body: a truncated body never completes', () => {
  test('every proper prefix leaves the framer waiting, and finish reports truncation', () => {
    const data = bytes('5;a="b"\r\nhello\r\n3\r\nabc\r\n0\r\nT: 1\r\n\r\n');
    for (let length = 0; length < data.length; length++) {
      const framer = new ChunkedBody('backend');
      expect(framer.push(data.subarray(0, length))).toBe(length);
      expect(framer.done).toBe(false);
      expect(framer.finish()).toMatchObject({ kind: 'truncatedBody', code: 'LB_ERR_BAD_RESPONSE' });
      expect(framer.done).toBe(false);
    }
  });

  test('finish after the end reports nothing', () => {
    const { framer } = chunked('0\r\n\r\n');
    expect(framer.finish()).toBeUndefined();
  });
});

describe('chunked body: rejected framing', () => {
  test.each([
    ['non-hex size', 'g\r\n', 'badChunkSize'],
    ['empty size line', '\r\n', 'badChunkSize'],
    ['signed size', '-1\r\n', 'badChunkSize'],
    ['0x-prefixed size', '0x5\r\n', 'badChunkSize'],
    ['whitespace before the size', ' 5\r\n', 'badChunkSize'],
    ['whitespace after the size without extension', '5 \r\nhello\r\n', 'badChunkExtension'],
    ['size of 2^53', '20000000000000\r\n', 'chunkSizeOverflow'],
    ['size far beyond 64 bits', 'ffffffffffffffffffffffff\r\n', 'chunkSizeOverflow'],
    ['bare LF after the size', '5\nhello\r\n', 'bareLf'],
    ['bare CR after the size', '5\rhello\r\n', 'bareCr'],
    ['bare LF after an extension', '5;a=b\nhello\r\n', 'bareLf'],
    ['missing CRLF after data', '5\r\nhelloX\r\n', 'missingChunkCrlf'],
    ['bare LF after data', '5\r\nhello\n0\r\n\r\n', 'missingChunkCrlf'],
    ['bare CR after data', '5\r\nhello\r0\r\n\r\n', 'missingChunkCrlf'],
    ['data longer than the size', '3\r\nhello\r\n', 'missingChunkCrlf'],
    ['semicolon without a name', '5;\r\nhello\r\n', 'badChunkExtension'],
    ['extension name missing before =', '5;=b\r\n', 'badChunkExtension'],
    ['extension value missing', '5;a=\r\n', 'badChunkExtension'],
    ['extension value with a space inside', '5;a=b c\r\n', 'badChunkExtension'],
    ['whitespace after an extension name at line end', '5;a \r\n', 'badChunkExtension'],
    ['unterminated quoted value', '5;a="b\r\nhello\r\n', 'badChunkExtension'],
    ['text after a quoted value', '5;a="b"c\r\n', 'badChunkExtension'],
    ['control byte in a quoted value', '5;a="\x01"\r\n', 'badChunkExtension'],
    ['control byte in an extension name', '5;a\x01\r\n', 'badChunkExtension'],
    ['trailer with obs-fold', '0\r\nA: 1\r\n 2\r\n\r\n', 'obsFold'],
    ['trailer with whitespace before colon', '0\r\nA : 1\r\n\r\n', 'whitespaceBeforeColon'],
    ['trailer with an invalid name', '0\r\nA@B: 1\r\n\r\n', 'badFieldName'],
    ['trailer without colon', '0\r\nAB\r\n\r\n', 'missingColon'],
    ['trailer with a NUL in the value', '0\r\nA: \x00\r\n\r\n', 'badFieldValue'],
    ['trailer with a bare LF', '0\r\nA: 1\n\r\n', 'bareLf'],
    ['trailer with a bare CR', '0\r\nA: 1\rB\r\n\r\n', 'bareCr'],
    ['last chunk ended by a bare LF', '0\r\n\n', 'bareLf'],
    ['final CR without LF', '0\r\n\rX', 'bareCr'],
  ])('%s', (_name, body, kind) => {
    const { framer, end } = chunked(body);
    expect(end).toBe(FAILED);
    expect(framer.error).toMatchObject({ kind, code: 'LB_ERR_BAD_REQUEST', status: 400 });
    expect(framer.done).toBe(false);
    expect(framer.push(bytes('0\r\n\r\n'))).toBe(FAILED);
  });

  test('backend bodies fail with LB_ERR_BAD_RESPONSE', () => {
    const { framer } = chunked('zz\r\n', undefined, 'backend');
    expect(framer.error).toMatchObject({
      kind: 'badChunkSize',
      code: 'LB_ERR_BAD_RESPONSE',
      status: 502,
    });
  });

  test('a size line longer than maxChunkLineBytes fails, even split', () => {
    const line = `5;${'a'.repeat(40)}\r\nhello\r\n0\r\n\r\n`;
    expect(chunked(line, { maxChunkLineBytes: 42 }).end).toBe(line.length);
    expect(chunked(line, { maxChunkLineBytes: 41 }).framer.error?.kind).toBe('chunkLineTooLong');
    const framer = new ChunkedBody('client', { maxChunkLineBytes: 41 });
    expect(feed(framer, oneByteChunks(bytes(line))).failed).toBe(true);
    expect(framer.error?.kind).toBe('chunkLineTooLong');
  });

  test('leading zeros count toward the size line limit (default 4096)', () => {
    expect(chunked('0'.repeat(5000) + '\r\n').framer.error?.kind).toBe('chunkLineTooLong');
  });

  test('a trailer section larger than maxTrailerBytes fails', () => {
    const body = `0\r\nX: ${'v'.repeat(50)}\r\n\r\n`;
    expect(chunked(body, { maxTrailerBytes: 57 }).end).toBe(body.length);
    expect(chunked(body, { maxTrailerBytes: 56 }).framer.error?.kind).toBe('trailersTooLarge');
  });
});

describe('body framer factories follow the parsed head', () => {
  function request(raw: string): RequestHead {
    const parser = new RequestHeadParser();
    parser.push(bytes(raw));
    return parser.head as RequestHead;
  }

  function response(raw: string, method: string): ResponseHead {
    const parser = new ResponseHeadParser();
    parser.reset(method);
    parser.push(bytes(raw));
    return parser.head as ResponseHead;
  }

  test('requests: none, length and chunked', () => {
    expect(requestBodyFramer(request('GET / HTTP/1.1\r\nHost: h\r\n\r\n')).done).toBe(true);
    const length = requestBodyFramer(
      request('POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n'),
    );
    expect(length).toBeInstanceOf(LengthBody);
    expect(length.done).toBe(false);
    const chunks = requestBodyFramer(
      request('POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n'),
    );
    expect(chunks).toBeInstanceOf(ChunkedBody);
  });

  test('responses: no body for HEAD, 204, 304 and tunnels; until close without length', () => {
    expect(
      responseBodyFramer(response('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', 'HEAD')).done,
    ).toBe(true);
    expect(responseBodyFramer(response('HTTP/1.1 204 No Content\r\n\r\n', 'GET')).done).toBe(true);
    expect(
      responseBodyFramer(response('HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n', 'GET'))
        .done,
    ).toBe(true);
    expect(
      responseBodyFramer(response('HTTP/1.1 101 Switching\r\nUpgrade: ws\r\n\r\n', 'GET')).done,
    ).toBe(true);
    expect(responseBodyFramer(response('HTTP/1.1 200 OK\r\n\r\n', 'GET'))).toBeInstanceOf(
      UntilCloseBody,
    );
    expect(
      responseBodyFramer(response('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', 'GET')),
    ).toBeInstanceOf(ChunkedBody);
  });
});
