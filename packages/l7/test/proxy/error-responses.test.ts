import { createServer } from 'node:net';
import { AdminState, type RunningBalancer } from '@lb/core';
import {
  expectIdle,
  fetchStats,
  getRequest,
  RawClient,
  rawRequest,
  startHttpBackend,
  startL7,
  type HttpBackend,
} from './helpers';

/** A port nothing listens on (bound, then closed). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('errors a client can see carry a status, a short body and x-lb-error', () => {
  let backend: HttpBackend;
  let lb: RunningBalancer | undefined;

  beforeEach(async () => {
    backend = await startHttpBackend('b1');
  });
  afterEach(async () => {
    await lb?.stop(1000);
    lb = undefined;
    await backend.close();
  });

  it('no eligible backend: 503 at once with Retry-After, connection kept', async () => {
    lb = await startL7({ backends: [{ address: backend.url, id: 'b1' }] });
    lb.supervisor.state.store('backendAdmin', 0, AdminState.Disabled);
    const client = new RawClient(lb.port);
    client.send(getRequest());
    const res = await client.response();
    expect([res?.status, res?.headers['x-lb-error'], res?.headers['retry-after']]).toEqual([
      503,
      'LB_ERR_NO_HEALTHY_BACKEND',
      '1',
    ]);
    expect(res?.body).toBe('503 Service Unavailable\n');
    lb.supervisor.state.store('backendAdmin', 0, AdminState.Enabled);
    client.send(getRequest('/again'));
    expect((await client.response())?.status).toBe(200);
    client.close();
    await expectIdle(lb);
  });

  it('every connect refused: 502 LB_ERR_BACKEND_CONNECT after trying each backend once', async () => {
    const ports = [await deadPort(), await deadPort()];
    lb = await startL7({
      backends: ports.map((p, i) => ({ address: `http://127.0.0.1:${p}`, id: `d${i}` })),
    });
    const res = await rawRequest(lb.port, getRequest());
    expect([res?.status, res?.headers['x-lb-error']]).toEqual([502, 'LB_ERR_BACKEND_CONNECT']);
    const stats = await expectIdle(lb);
    expect(stats.backends.map((b) => b.failures)).toEqual([1, 1]);
  });

  it('one backend refusing: requests go to the other, with no error seen', async () => {
    lb = await startL7({
      backends: [
        { address: `http://127.0.0.1:${await deadPort()}`, id: 'dead' },
        { address: backend.url, id: 'b1' },
      ],
    });
    const client = new RawClient(lb.port);
    for (let i = 0; i < 6; i++) {
      client.send(getRequest(`/${i}`));
      expect((await client.response())?.status).toBe(200);
    }
    client.close();
    await expectIdle(lb);
  });

  it('a silent backend: 504 LB_ERR_BACKEND_TIMEOUT after responseTimeoutMs', async () => {
    backend.route = () => true; // never answers
    lb = await startL7({
      http: { responseTimeoutMs: 300 },
      backends: [{ address: backend.url, id: 'b1' }],
    });
    const res = await rawRequest(lb.port, getRequest());
    expect([res?.status, res?.headers['x-lb-error']]).toEqual([504, 'LB_ERR_BACKEND_TIMEOUT']);
    await expectIdle(lb);
  });

  it('a head that trickles in: 408 and close after headTimeoutMs', async () => {
    lb = await startL7({
      http: { headTimeoutMs: 300 },
      backends: [{ address: backend.url, id: 'b1' }],
    });
    const client = new RawClient(lb.port);
    client.send('GET / HTTP/1.1\r\nHost: x\r\n');
    const res = await client.response();
    expect([res?.status, res?.headers['x-lb-error']]).toEqual([408, 'LB_ERR_REQUEST_TIMEOUT']);
    await client.closed;
    expect(backend.requests).toEqual([]);
    await expectIdle(lb);
  });

  it('a backend that resets before answering: 502 LB_ERR_BACKEND_RESET', async () => {
    backend.route = (req) => (req.socket.destroy(), true);
    lb = await startL7({ backends: [{ address: backend.url, id: 'b1' }] });
    const res = await rawRequest(lb.port, getRequest());
    expect([res?.status, res?.headers['x-lb-error']]).toEqual([502, 'LB_ERR_BACKEND_RESET']);
    await expectIdle(lb);
  });

  it('a response cut short after its head: the client connection is aborted, never completed', async () => {
    backend.route = (_req, res) => {
      res.writeHead(200, { 'content-length': '10' });
      res.write('abc', () => setTimeout(() => res.socket?.destroy(), 50));
      return true;
    };
    lb = await startL7({ backends: [{ address: backend.url, id: 'b1' }] });
    const client = new RawClient(lb.port);
    client.send(getRequest());
    expect(await client.response()).toBeNull();
    expect(client.rest).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nabc$/);
    await expectIdle(lb);
  });

  it('an invalid response head: 502 LB_ERR_BAD_RESPONSE', async () => {
    backend.route = (req) => (req.socket.end('HTTP/1.1 200 OK\r\nBad Header\r\n\r\n'), true);
    lb = await startL7({ backends: [{ address: backend.url, id: 'b1' }] });
    const res = await rawRequest(lb.port, getRequest());
    expect([res?.status, res?.headers['x-lb-error']]).toEqual([502, 'LB_ERR_BAD_RESPONSE']);
    await expectIdle(lb);
    expect((await fetchStats(lb.adminPort)).permits.inUse).toBe(0);
  });
});
