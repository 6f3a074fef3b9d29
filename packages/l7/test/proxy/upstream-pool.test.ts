import { createServer, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import type { Backend } from '@lb/core';
import { Sweeper } from '../../src/proxy/sweeper';
import {
  UpstreamPool,
  type UpstreamConnection,
  type UpstreamOwner,
} from '../../src/proxy/upstream-pool';
import { eventually, sleep } from './helpers';

// A backend connection reads into one reused buffer. Bytes written to a client that the client
// has not taken yet still point into it, so the connection must neither read again nor go back
// to the pool until those writes complete. A client whose writes never complete by themselves
// makes that observable.

/** A client whose writes stay pending until `completeAll`. */
function heldClient() {
  const pending: Array<(err?: Error | null) => void> = [];
  const client = new Writable({
    highWaterMark: 1 << 20,
    write(_chunk, _encoding, callback) {
      pending.push(callback);
    },
  });
  return {
    socket: client as unknown as Socket,
    completeAll: () => pending.splice(0).forEach((callback) => callback()),
    get pending() {
      return pending.length;
    },
  };
}

class Owner implements UpstreamOwner {
  connected = false;
  chunks: Buffer[] = [];
  gone: string | undefined;
  onChunk: (chunk: Buffer) => void = () => {};
  onUpstreamConnect(): void {
    this.connected = true;
  }
  onUpstreamData(chunk: Buffer): void {
    this.chunks.push(Buffer.from(chunk));
    this.onChunk(chunk);
  }
  onUpstreamGone(reason: string): void {
    this.gone = reason;
  }
  onUpstreamDrain(): void {}
}

describe('upstream connections lend their read buffer to client writes', () => {
  let server: Server;
  let backend: Backend;
  const sockets: Socket[] = [];
  let pool: UpstreamPool;
  let sweeper: Sweeper;

  beforeEach(async () => {
    server = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    backend = { id: 'b1', host: '127.0.0.1', port, weight: 1, maxConnections: 0, slot: 0 };
    sweeper = new Sweeper();
    pool = new UpstreamPool(sweeper, 10_000, 4);
  });
  afterEach(async () => {
    pool.close();
    for (const s of sockets.splice(0)) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  /** A connection whose owner relays every read to a client that holds its writes. */
  async function relayingToHeldClient() {
    const owner = new Owner();
    const conn: UpstreamConnection = pool.open(backend, owner);
    expect(await eventually(() => owner.connected && sockets.length === 1)).toBe(true);
    const client = heldClient();
    owner.onChunk = (chunk) => conn.sendTo(client.socket, chunk);
    return { owner, conn, client };
  }

  test('reading stops while a write of its bytes is pending, and resumes after', async () => {
    const { owner, conn, client } = await relayingToHeldClient();

    sockets[0].write('first');
    expect(await eventually(() => owner.chunks.length === 1)).toBe(true);
    expect(client.pending).toBe(1);
    expect(conn.isLent).toBe(true);

    sockets[0].write('second');
    await sleep(100);
    expect(owner.chunks.map(String)).toEqual(['first']); // not read into the lent buffer

    client.completeAll();
    expect(await eventually(() => owner.chunks.map(String).join() === 'first,second')).toBe(true);
    expect(conn.isLent).toBe(true); // 'second' went to the client and waits there in turn
    client.completeAll();
    expect(conn.isLent).toBe(false);
  });

  test('released while lent, it is closed, never pooled', async () => {
    const { owner, conn, client } = await relayingToHeldClient();
    sockets[0].write('response');
    expect(await eventually(() => client.pending === 1)).toBe(true);

    pool.release(conn, undefined);
    expect(conn.gone).toBe(true);
    expect(await eventually(() => conn.socket.destroyed)).toBe(true);
    client.completeAll();
    expect(pool.take(backend)).toBeUndefined();
  });

  test('released with every byte taken, it is pooled and reused', async () => {
    const { owner, conn, client } = await relayingToHeldClient();
    sockets[0].write('response');
    expect(await eventually(() => client.pending === 1)).toBe(true);
    client.completeAll();

    pool.release(conn, undefined);
    expect(pool.take(backend)).toBe(conn);
    expect(conn.gone).toBe(false);
  });
});
