import { resolveHttpSettings, type HttpSettings, type WorkerContext } from '@lb/core';
import type { RequestHeadOptions } from '../http/index';
import { Sweeper } from './sweeper';
import { UpstreamPool } from './upstream-pool';

/** What every connection of one worker shares: config, the pool, the deadline sweeper. */
export interface ProxyContext {
  /** The worker's context; read `backends` and `balancer` through it, they get replaced. */
  readonly worker: WorkerContext;
  readonly http: HttpSettings;
  readonly pool: UpstreamPool;
  readonly sweeper: Sweeper;
  /** Peers whose forwarding fields are believed (normalised addresses). */
  readonly trusted: ReadonlySet<string>;
  readonly headOptions: RequestHeadOptions;
}

export function createProxyContext(worker: WorkerContext): ProxyContext {
  const http = resolveHttpSettings(worker.config);
  const sweeper = new Sweeper();
  return {
    worker,
    http,
    sweeper,
    pool: new UpstreamPool(sweeper, http.backendKeepAliveMs, http.maxIdlePerBackend),
    trusted: new Set(http.trustedProxies),
    headOptions: {
      maxHeadBytes: http.maxHeadBytes,
      maxRequestLineBytes: http.maxRequestLineBytes,
      maxFields: http.maxHeaderCount,
    },
  };
}
