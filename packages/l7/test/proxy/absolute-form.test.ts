import { expectIdle, rawRequest, startHttpBackend, startL7 } from './helpers';

describe('absolute-form request targets', () => {
  it('are refused when the authority differs from Host, and pass when they agree', async () => {
    const backend = await startHttpBackend('b1');
    const lb = await startL7({ backends: [{ address: backend.url, id: 'b1' }] });
    const conflicting = 'GET http://evil.example/x HTTP/1.1\r\nHost: good\r\n\r\n';
    const refused = await rawRequest(lb.port, conflicting);
    expect([refused?.status, refused?.headers['x-lb-error']]).toEqual([400, 'LB_ERR_BAD_REQUEST']);
    expect(backend.requests).toEqual([]);

    const agreeing = 'GET http://Good/y HTTP/1.1\r\nHost: good\r\n\r\n';
    expect((await rawRequest(lb.port, agreeing))?.status).toBe(200);
    expect(backend.requests.map((r) => r.url)).toEqual(['http://Good/y']);
    await expectIdle(lb);
    await lb.stop(1000);
    await backend.close();
  });
});
