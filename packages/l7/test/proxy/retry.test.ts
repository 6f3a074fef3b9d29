import type { RunningBalancer } from '@lb/core';
import { expectIdle, getRequest, RawClient, startL7 } from './helpers';
import { startRawBackend, type RawBackend } from './raw-backend';

/**
 * The backend closes each connection when a second request arrives on it, without answering:
 * what a keep-alive race looks like from the balancer. Only idempotent requests are resent.
 */
describe('a request that fails on a reused connection before any response byte', () => {
  let backend: RawBackend;
  let lb: RunningBalancer;

  beforeAll(async () => {
    backend = await startRawBackend('b1');
    backend.behaviour = (nth) => (nth === 0 ? 'ok' : 'close');
  });
  afterAll(async () => {
    await backend.close();
  });
  // A balancer per test, so each starts with an empty pool.
  beforeEach(async () => {
    backend.requests.length = 0;
    lb = await startL7({ backends: [{ address: backend.url, id: 'b1' }] });
  });
  afterEach(async () => {
    await lb.stop(1000);
  });

  it('GET is sent once more on a fresh connection and succeeds', async () => {
    const client = new RawClient(lb.port);
    client.send(getRequest('/a'));
    expect((await client.response())?.status).toBe(200);
    client.send(getRequest('/b'));
    expect((await client.response())?.status).toBe(200);
    expect(backend.requests).toEqual(['/a', '/b', '/b']);
    client.close();
    await expectIdle(lb);
  });

  it('POST is not resent: 502 LB_ERR_BACKEND_RESET', async () => {
    const client = new RawClient(lb.port);
    client.send(getRequest('/a'));
    expect((await client.response())?.status).toBe(200);
    client.send('POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi');
    const res = await client.response();
    expect([res?.status, res?.headers['x-lb-error']]).toEqual([502, 'LB_ERR_BACKEND_RESET']);
    expect(backend.requests).toEqual(['/a', '/b']);
    client.close();
    await expectIdle(lb);
  });

  it('a PUT with a body is resent whole', async () => {
    const client = new RawClient(lb.port);
    client.send(getRequest('/a'));
    expect((await client.response())?.status).toBe(200);
    client.send(
      'PUT /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    );
    expect((await client.response())?.status).toBe(200);
    expect(backend.requests).toEqual(['/a', '/p', '/p']);
    client.close();
    await expectIdle(lb);
  });
});
