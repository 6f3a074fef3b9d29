import { expectIdle, rawRequest, startHttpBackend, startL7 } from './helpers';

describe('request trailers', () => {
  it('a trailer carrying framing or forwarding fields is refused and never reaches a backend', async () => {
    const backend = await startHttpBackend('b1');
    const lb = await startL7({ backends: [{ address: backend.url, id: 'b1' }] });
    const smuggle =
      'POST /tr HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n' +
      'Content-Length: 50\r\nHost: evil\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n';
    const res = await rawRequest(lb.port, smuggle, 'POST');
    expect([res?.status, res?.headers['x-lb-error']]).toEqual([400, 'LB_ERR_BAD_REQUEST']);
    expect(backend.raw).not.toContain('6.6.6.6');
    expect(backend.raw).not.toContain('evil');

    const fine =
      'POST /ok HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n' +
      'X-Checksum: 900150983cd24fb0\r\n\r\n';
    expect((await rawRequest(lb.port, fine, 'POST'))?.status).toBe(200);
    expect(backend.requests.at(-1)?.trailers).toEqual({ 'x-checksum': '900150983cd24fb0' });
    await expectIdle(lb);
    await lb.stop(1000);
    await backend.close();
  });
});
