import type { RunningBalancer } from '@lb/core';
import {
  expectIdle,
  rawRequest,
  startHttpBackend,
  startL7,
  type HttpBackend,
  type SeenRequest,
} from './helpers';

// What a backend learns about the client: X-Forwarded-* always, RFC 7239 Forwarded when asked
// for; a client's own claims are dropped unless it is a trusted proxy.

describe('forwarding fields as the backend receives them', () => {
  let backend: HttpBackend;
  let lb: RunningBalancer | undefined;

  beforeAll(async () => {
    backend = await startHttpBackend('b1');
  });
  afterEach(async () => {
    if (lb) await expectIdle(lb);
    await lb?.stop(1000);
    lb = undefined;
    backend.requests.length = 0;
  });
  afterAll(() => backend.close());

  async function send(extra: string): Promise<SeenRequest> {
    const request = `GET /f HTTP/1.1\r\nHost: app.example\r\n${extra}\r\n`;
    expect((await rawRequest(lb!.port, request))?.status).toBe(200);
    return backend.requests.at(-1)!;
  }

  const claims =
    'X-Forwarded-For: 6.6.6.6\r\nX-Forwarded-Proto: https\r\n' +
    'X-Forwarded-Host: evil.example\r\nForwarded: for=6.6.6.6\r\n';

  test('default: X-Forwarded-* replaced, a client-sent Forwarded dropped, none added', async () => {
    lb = await startL7({ backends: [{ address: backend.url, id: 'b1' }] });
    const seen = await send(claims);
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers['x-forwarded-host']).toBe('app.example');
    expect(seen.headers['forwarded']).toBeUndefined();
  });

  test('http.forwarded: a Forwarded element is added for the client', async () => {
    lb = await startL7({
      backends: [{ address: backend.url, id: 'b1' }],
      http: { forwarded: true },
    });
    const seen = await send(claims);
    expect(seen.headers['forwarded']).toBe('for=127.0.0.1;host=app.example;proto=http');
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  test('from a trusted proxy, both chains are extended and its proto and host kept', async () => {
    lb = await startL7({
      backends: [{ address: backend.url, id: 'b1' }],
      http: { forwarded: true, trustedProxies: ['127.0.0.1'] },
    });
    const seen = await send(claims);
    expect(seen.headers['x-forwarded-for']).toBe('6.6.6.6, 127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('https');
    expect(seen.headers['x-forwarded-host']).toBe('evil.example');
    expect(seen.headers['forwarded']).toBe(
      'for=6.6.6.6, for=127.0.0.1;host=app.example;proto=http',
    );
  });
});
