import type { RunningBalancer } from '@lb/core';
import { expectIdle, RawClient, startHttpBackend, startL7, type HttpBackend } from './helpers';

describe('HEAD, 204 and 304 responses carry no body, and the connection goes on', () => {
  let backend: HttpBackend;
  let lb: RunningBalancer;

  beforeAll(async () => {
    backend = await startHttpBackend('b1');
    backend.route = (req, res) => {
      if (req.url === '/204') res.writeHead(204).end();
      else if (req.url === '/304') res.writeHead(304, { etag: '"x"' }).end();
      else return false;
      return true;
    };
    lb = await startL7({ backends: [{ address: backend.url, id: 'b1' }] });
  });
  afterAll(async () => {
    await lb.stop(1000);
    await backend.close();
  });

  it.each([
    ['HEAD', '/head', 200],
    ['GET', '/204', 204],
    ['GET', '/304', 304],
  ])('%s %s then a GET on the same connection', async (method, path, status) => {
    const client = new RawClient(lb.port);
    client.send(
      `${method} ${path} HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n`,
    );
    const first = await client.response(method);
    expect(first?.status).toBe(status);
    expect(first?.body).toBe('');
    if (method === 'HEAD') expect(first?.headers['content-length']).toBe('15');
    expect((await client.response())?.body).toBe('b1 GET /after 0');
    expect(client.rest).toBe('');
    client.close();
    await expectIdle(lb);
  });
});
