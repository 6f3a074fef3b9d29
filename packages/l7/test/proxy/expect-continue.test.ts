import type { RunningBalancer } from '@lb/core';
import {
  expectIdle,
  RawClient,
  sleep,
  startHttpBackend,
  startL7,
  type HttpBackend,
} from './helpers';

const HEAD = 'POST /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n';

describe('Expect: 100-continue', () => {
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

  it('the backend sends 100: it reaches the client, then the body goes through', async () => {
    lb = await startL7({ backends: [{ address: backend.url, id: 'b1' }] });
    const client = new RawClient(lb.port);
    client.send(HEAD);
    expect((await client.response())?.status).toBe(100);
    client.send('hello');
    const res = await client.response();
    expect([res?.status, res?.body]).toEqual([200, 'b1 POST /up 5']);
    expect(backend.requests.map((r) => r.body)).toEqual(['hello']);
    client.close();
    await expectIdle(lb);
  });

  it('the backend answers early with a final status: relayed, then the connection closes', async () => {
    backend.server.on('checkContinue', (_req, res) => {
      res.writeHead(401, { 'x-backend-id': 'b1', 'content-length': '6' }).end('denied');
    });
    lb = await startL7({ backends: [{ address: backend.url, id: 'b1' }] });
    const client = new RawClient(lb.port);
    client.send(HEAD);
    const res = await client.response();
    expect([res?.status, res?.body, res?.headers.connection]).toEqual([401, 'denied', 'close']);
    // A client that sends the body anyway must not have it read as a request.
    client.send('GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n');
    await client.closed;
    await sleep(50);
    expect(backend.raw).not.toContain('smuggled');
    await expectIdle(lb);
  });
});
