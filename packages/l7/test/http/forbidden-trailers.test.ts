import { ChunkedBody, FAILED } from '../../src/http/index';

/** Pushes a whole chunked body with the given trailer lines; returns the failure kind or 'ok'. */
function verdict(trailers: string): string {
  const body = new ChunkedBody('client');
  const bytes = Buffer.from(`3\r\nabc\r\n0\r\n${trailers}\r\n`, 'latin1');
  const end = body.push(bytes, 0);
  if (end === FAILED) return body.error!.kind;
  return body.done && end === bytes.length ? 'ok' : 'incomplete';
}

describe('trailer fields that would bypass head rules are refused', () => {
  it.each([
    ['Content-Length: 50\r\n', 'forbiddenTrailer'],
    ['transfer-encoding: chunked\r\n', 'forbiddenTrailer'],
    ['Host: evil\r\n', 'forbiddenTrailer'],
    ['X-Forwarded-For: 6.6.6.6\r\n', 'forbiddenTrailer'],
    ['X-Checksum: abc\r\nHOST: evil\r\n', 'forbiddenTrailer'],
    ['X-Checksum: abc\r\n', 'ok'],
    ['Server-Timing: db;dur=53\r\n', 'ok'],
    ['', 'ok'],
  ])('%j -> %s', (trailers, expected) => {
    expect(verdict(trailers)).toBe(expected);
  });

  it('gives the client 400 LB_ERR_BAD_REQUEST', () => {
    const body = new ChunkedBody('client');
    body.push(Buffer.from('0\r\nContent-Length: 1\r\n\r\n', 'latin1'), 0);
    expect([body.error?.status, body.error?.code]).toEqual([400, 'LB_ERR_BAD_REQUEST']);
  });
});
