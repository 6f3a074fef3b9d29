import { createServer, type Server } from 'node:http';
import { httpProbe } from '../../src/health/checker';
import type { Backend } from '../../src/backend';

describe('the HTTP probe passes on a status in the expected range', () => {
  let server: Server;
  let backend: Backend;
  const paths: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      paths.push(req.url!);
      if (req.url === '/silent') return; // never answers
      res.writeHead(req.url === '/health' ? 204 : 503).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    backend = { id: 'b', host: '127.0.0.1', port, weight: 1, maxConnections: 0, slot: 0 };
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it.each([
    ['/health', [200, 399], null],
    ['/down', [200, 399], 'status 503, expected 200-399'],
    ['/down', [500, 599], null],
    ['/silent', [200, 399], 'no status line within 200 ms'],
  ] as const)('GET %s expecting %j', async (path, range, verdict) => {
    expect(await httpProbe(path, range)(backend, 200)).toBe(verdict);
    expect(paths[paths.length - 1]).toBe(path);
  });

  it('a refused connection fails with its code', async () => {
    const closed = { ...backend, port: 1 };
    expect(await httpProbe('/', [200, 399])(closed, 500)).toBe('ECONNREFUSED');
  });
});
