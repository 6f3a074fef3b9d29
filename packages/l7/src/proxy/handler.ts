import type { Socket } from 'node:net';
import { LbError, type ConnectionHandler, type WorkerContext } from '@lb/core';
import { ClientConnection } from './client-connection';
import { createProxyContext, type ProxyContext } from './context';
import { errorResponse } from './error-response';

/**
 * The L7 worker: one ClientConnection per accepted socket, under a cap on open client
 * connections that is separate from the permits (which count requests in flight only).
 */
export class L7Handler implements ConnectionHandler {
  private readonly proxy: ProxyContext;
  private open = 0;

  constructor(worker: WorkerContext) {
    this.proxy = createProxyContext(worker);
  }

  handle(socket: Socket): void {
    const limit = this.proxy.http.maxClientConnections;
    if (this.open >= limit) return this.refuse(socket, limit);
    this.open++;
    new ClientConnection(this.proxy, socket, () => this.open--).start();
  }

  /** Over the cap: one 503 and close, without reading a request. */
  private refuse(socket: Socket, limit: number): void {
    const err = new LbError('LB_ERR_TOO_MANY_CONNECTIONS', { limit });
    socket.on('error', () => {});
    socket.end(errorResponse(this.proxy.worker.log, err, { close: true, headOnly: false }));
    setTimeout(() => socket.destroy(), 1000).unref();
  }
}
