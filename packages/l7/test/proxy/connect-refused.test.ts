import { expectIdle, RawClient, startHttpBackend, startL7 } from './helpers';

describe('CONNECT', () => {
  it('is refused with 501 and never reaches a backend', async () => {
    const backend = await startHttpBackend('b1');
    const lb = await startL7({ backends: [{ address: backend.url, id: 'b1' }] });
    const client = new RawClient(lb.port);
    client.send(
      `CONNECT 127.0.0.1:${backend.port} HTTP/1.1\r\nHost: 127.0.0.1:${backend.port}\r\n\r\n`,
    );
    const res = await client.response();
    expect([res?.status, res?.headers['x-lb-error'], res?.headers['connection']]).toEqual([
      501,
      'LB_ERR_NOT_IMPLEMENTED',
      'close',
    ]);
    client.close();
    expect(backend.requests).toEqual([]);
    await expectIdle(lb);
    await lb.stop(1000);
    await backend.close();
  });
});
