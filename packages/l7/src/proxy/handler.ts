import type { Socket } from 'node:net';
import { LbError, type ConnectionHandler, type WorkerContext } from '@lb/core';
import { ClientConnection } from './client-connection';
import { createProxyContext, type ProxyContext } from './context';
import { errorResponse } from './error-response';

/**
 * The L7 worker: one ClientConnection per accepted socket, under a cap on open client
 * connections across all workers that is separate from the permits (which count requests in
 * flight only). Admission takes a place in a shared counter by compare-and-swap, so the cap is
 * exact whichever worker accepts and however sockets reach it (shared listener or handoff);
 * a refused socket never counts.
 */
export class L7Handler implements ConnectionHandler {
  private readonly proxy: ProxyContext;

  constructor(worker: WorkerContext) {
    this.proxy = createProxyContext(worker);
  }

  handle(socket: Socket): void {
    const limit = this.proxy.http.maxClientConnections;
    if (!this.admit(limit)) return this.refuse(socket, limit);
    const state = this.proxy.worker.state;
    const worker = this.proxy.worker.index;
    socket.once('close', () => {
      state.add('clientsHeld', worker, -1);
      state.add('clientsAdmitted', 0, -1);
    });
    new ClientConnection(this.proxy, socket).start();
  }

  private admit(limit: number): boolean {
    const state = this.proxy.worker.state;
    const at = state.index('clientsAdmitted');
    for (;;) {
      const open = Atomics.load(state.i32, at);
      if (open >= limit) return false;
      if (Atomics.compareExchange(state.i32, at, open, open + 1) === open) break;
    }
    state.add('clientsHeld', this.proxy.worker.index, 1);
    return true;
  }

  /** Over the cap: one 503 and close, without reading a request. */
  private refuse(socket: Socket, limit: number): void {
    const err = new LbError('LB_ERR_TOO_MANY_CONNECTIONS', { limit });
    socket.on('error', () => {});
    socket.end(errorResponse(this.proxy.worker.log, err, { close: true, headOnly: false }));
    // Read and drop whatever the client sent, so its close is seen and the socket freed at once.
    socket.resume();
    setTimeout(() => socket.destroy(), 1000).unref();
  }
}
