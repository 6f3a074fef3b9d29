import type { RunningBalancer } from '@lb/core';
import {
  expectIdle,
  RawClient,
  sleep,
  startHttpBackends,
  startL7,
  type HttpBackend,
} from './helpers';

describe('pipelined requests are answered in request order, one at a time', () => {
  let backends: HttpBackend[];
  let lb: RunningBalancer;

  beforeAll(async () => {
    backends = await startHttpBackends(2);
    // /slow answers after 200 ms, so a later request on the other backend would finish first.
    for (const b of backends) {
      b.route = (req, res) => {
        if (req.url !== '/slow') return false;
        setTimeout(() => res.end(`${b.id} slow`), 200);
        return true;
      };
    }
    lb = await startL7({ backends: backends.map((b) => ({ address: b.url, id: b.id })) });
  });
  afterAll(async () => {
    await lb.stop(1000);
    await Promise.all(backends.map((b) => b.close()));
  });

  it('three requests in one write come back in order', async () => {
    const client = new RawClient(lb.port);
    client.send(
      'GET /slow HTTP/1.1\r\nHost: x\r\n\r\n' +
        'POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc' +
        'GET /three HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    const bodies = [];
    for (let i = 0; i < 3; i++) bodies.push((await client.response())?.body.replace(/^b\d /, ''));
    expect(bodies).toEqual(['slow', 'POST /two 3', 'GET /three 0']);
    // Never two at once: the second reached a backend only after the first was answered.
    expect(backends.reduce((n, b) => Math.max(n, b.peak), 0)).toBe(1);
    client.close();
    await expectIdle(lb);
  });

  it('an HTTP/1.0 request gets its answer and the connection closes', async () => {
    const client = new RawClient(lb.port);
    client.send('GET /old HTTP/1.0\r\n\r\n');
    const res = await client.response();
    expect(res?.body).toMatch(/GET \/old 0$/);
    await client.closed;
    await expectIdle(lb);
  });

  it('an HTTP/1.0 keep-alive request keeps the connection', async () => {
    const client = new RawClient(lb.port);
    for (let i = 0; i < 2; i++) {
      client.send('GET /ka HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
      const res = await client.response();
      expect(res?.headers.connection).toBe('keep-alive');
    }
    await sleep(50);
    expect(client.isClosed).toBe(false);
    client.close();
    await expectIdle(lb);
  });

  it('hop-by-hop fields are stripped and forwarding fields set', async () => {
    const client = new RawClient(lb.port);
    client.send(
      'GET /h HTTP/1.1\r\nHost: example.test\r\nConnection: x-hop\r\nX-Hop: 1\r\n' +
        'Keep-Alive: timeout=9\r\nX-Forwarded-For: 6.6.6.6\r\nX-Forwarded-Proto: https\r\n\r\n',
    );
    await client.response();
    const seen = backends.flatMap((b) => b.requests).find((r) => r.url === '/h')!;
    expect(seen.headers['x-hop']).toBeUndefined();
    expect(seen.headers['keep-alive']).toBeUndefined();
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers['x-forwarded-host']).toBe('example.test');
    expect(seen.headers.host).toBe('example.test');
    client.close();
    await expectIdle(lb);
  });
});
