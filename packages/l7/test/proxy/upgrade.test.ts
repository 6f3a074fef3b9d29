import type { RunningBalancer } from '@lb/core';
import {
  eventually,
  expectIdle,
  RawClient,
  startHttpBackend,
  startL7,
  type HttpBackend,
} from './helpers';

const UPGRADE = (path: string) =>
  `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n`;

describe('Upgrade becomes a tunnel only after the backend says 101', () => {
  let backend: HttpBackend;
  let lb: RunningBalancer;

  beforeAll(async () => {
    backend = await startHttpBackend('b1');
    backend.server.on('upgrade', (req, socket) => {
      if (req.url !== '/ws') {
        socket.end(
          'HTTP/1.1 426 Upgrade Required\r\ncontent-length: 4\r\nconnection: close\r\n\r\nnope',
        );
        return;
      }
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n',
      );
      socket.on('data', (d) => socket.write(d));
      socket.on('end', () => socket.end('bye'));
    });
    lb = await startL7({ backends: [{ address: backend.url, id: 'b1' }] });
  });
  afterAll(async () => {
    await lb.stop(1000);
    await backend.close();
  });

  it('accepted: bytes flow both ways, and a half-close is passed on', async () => {
    const client = new RawClient(lb.port);
    client.send(UPGRADE('/ws'));
    const res = await client.response();
    expect([res?.status, res?.headers.upgrade, res?.headers.connection]).toEqual([
      101,
      'echo',
      'upgrade',
    ]);
    client.send('ping');
    expect(await eventually(() => client.rest === 'ping')).toBe(true);
    // Our FIN reaches the backend, which still answers before closing its side.
    client.socket.end();
    await client.closed;
    expect(client.rest).toBe('pingbye');
    await expectIdle(lb);
  });

  it('refused: the answer is relayed as a normal response and HTTP goes on', async () => {
    const client = new RawClient(lb.port);
    client.send(UPGRADE('/no'));
    const res = await client.response();
    expect([res?.status, res?.body]).toEqual([426, 'nope']);
    client.send('GET /after HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await client.response())?.body).toBe('b1 GET /after 0');
    client.close();
    await expectIdle(lb);
  });
});
