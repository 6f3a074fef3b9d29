import type { Socket } from 'node:net';
import type { UpstreamConnection, UpstreamOwner } from './upstream-pool';

/**
 * Bytes both ways after a backend's 101, with backpressure and half-close: a FIN from one side
 * is passed on and the other direction keeps flowing. An abnormal close of either side destroys
 * the other. `onClosed` runs once, when both sockets are gone.
 * TODO(perf): `setTimeout` on both sockets re-arms a timer per read; fine for tunnels, which
 * are few, but the sweeper would be cheaper if they ever became many.
 */
export class Tunnel implements UpstreamOwner {
  private clientClosed = false;
  private upstreamGone = false;
  private done = false;

  constructor(
    private readonly client: Socket,
    private readonly upstream: UpstreamConnection,
    private readonly onClosed: () => void,
    idleMs: number,
  ) {
    upstream.owner = this;
    upstream.resume();
    // No traffic either way for `timeouts.idleMs`: like an idle L4 connection, it is closed.
    const onIdle = () => {
      client.destroy();
      upstream.socket.destroy();
    };
    client.setTimeout(idleMs, onIdle);
    upstream.socket.setTimeout(idleMs, onIdle);
  }

  fromClient(chunk: Buffer): void {
    if (!this.upstream.socket.write(chunk)) this.client.pause();
  }

  onClientDrain(): void {
    this.upstream.resume();
  }

  onClientEnd(): void {
    if (!this.upstream.socket.writableEnded) this.upstream.socket.end();
  }

  onClientClosed(): void {
    this.clientClosed = true;
    const up = this.upstream.socket;
    if (!this.client.readableEnded || !up.writableFinished) up.destroy();
    this.maybeDone();
  }

  onUpstreamConnect(): void {}

  onUpstreamData(chunk: Buffer): void {
    this.upstream.sendTo(this.client, chunk);
  }

  onUpstreamDrain(): void {
    this.client.resume();
  }

  onUpstreamEnd(): boolean {
    if (!this.client.writableEnded) this.client.end();
    return true;
  }

  onUpstreamGone(): void {
    this.upstreamGone = true;
    // Closed after both FINs is the normal end; anything else cuts the client off too.
    const up = this.upstream.socket;
    if (!(up.readableEnded && up.writableFinished) && !this.client.destroyed) this.client.destroy();
    this.upstream.socket.destroy();
    this.maybeDone();
  }

  private maybeDone(): void {
    if (this.done || !this.clientClosed || !this.upstreamGone) return;
    this.done = true;
    this.onClosed();
  }
}
