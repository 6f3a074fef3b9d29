import type { Socket } from 'node:net';
import { LbError, type ConnectionHandler, type WorkerContext } from '@lb/core';
import { ClientConnection } from './client-connection';
import { createProxyContext, type ProxyContext } from './context';
import { errorResponse } from './error-response';

/**
 * The L7 worker: one ClientConnection per accepted socket, under a cap on open client
 * connections across all workers that is separate from the permits (which count requests in
 * flight only).
 *
 * The cap reads the shared per-worker connection counts, where this socket is already counted:
 * two workers admitting at once may both see the other's socket and both refuse, never both
 * admit, so the cap is never exceeded.
 */
export class L7Handler implements ConnectionHandler {
  private readonly proxy: ProxyContext;

  constructor(worker: WorkerContext) {
    this.proxy = createProxyContext(worker);
  }

  handle(socket: Socket): void {
    const limit = this.proxy.http.maxClientConnections;
    if (this.openConnections() > limit) return this.refuse(socket, limit);
    new ClientConnection(this.proxy, socket).start();
  }

  /** Client connections open in every worker, this one's new socket included. */
  private openConnections(): number {
    const state = this.proxy.worker.state;
    let open = 0;
    for (let w = 0; w < state.dims.workers; w++) open += state.load('workerActive', w);
    return open;
  }

  /** Over the cap: one 503 and close, without reading a request. */
  private refuse(socket: Socket, limit: number): void {
    const err = new LbError('LB_ERR_TOO_MANY_CONNECTIONS', { limit });
    socket.on('error', () => {});
    socket.end(errorResponse(this.proxy.worker.log, err, { close: true, headOnly: false }));
    setTimeout(() => socket.destroy(), 1000).unref();
  }
}
