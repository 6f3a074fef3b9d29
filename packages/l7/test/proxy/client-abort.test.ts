import type { RunningBalancer } from '@lb/core';
import {
  eventually,
  expectIdle,
  getRequest,
  RawClient,
  startHttpBackend,
  startL7,
  type HttpBackend,
} from './helpers';

describe('a client that leaves mid-request', () => {
  let backend: HttpBackend;
  let lb: RunningBalancer;
  let backendSawClose = 0;

  beforeAll(async () => {
    backend = await startHttpBackend('b1');
    backend.route = (req, res) => {
      if (req.url !== '/slow') return false;
      res.once('close', () => backendSawClose++);
      setTimeout(() => res.end('late'), 2000).unref();
      return true;
    };
    lb = await startL7({ backends: [{ address: backend.url, id: 'b1' }] });
  });
  afterAll(async () => {
    await lb.stop(1000);
    await backend.close();
  });

  it('aborts the backend request, discards that connection and releases everything', async () => {
    const client = new RawClient(lb.port);
    client.send(getRequest('/slow'));
    await eventually(() => backend.current === 1);
    client.close();
    expect(await eventually(() => backendSawClose === 1 && backend.sockets.size === 0, 1500)).toBe(
      true,
    );
    await expectIdle(lb);
  });

  it('mid-body: the backend never sees a complete request', async () => {
    const client = new RawClient(lb.port);
    client.send('POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc');
    await eventually(() => backend.raw.includes('abc'));
    client.close();
    expect(await eventually(() => backend.sockets.size === 0, 1500)).toBe(true);
    expect(backend.requests.filter((r) => r.url === '/up')).toEqual([]);
    await expectIdle(lb);
  });
});
