import { TargetSpec } from './target';

/** No balancer: client i talks to backend i mod 3, the ceiling every proxy is measured against. */
export const directTarget: TargetSpec = {
  name: 'direct',
  kind: 'direct',
  describe: 'clients spread evenly over the backends, no proxy in between',
  limits: 'none (no proxy)',
  unavailable: () => undefined,
  start: async (context) => ({
    ports: context.backends.map((backend) => backend.port),
    pids: [],
    stop: async () => undefined,
  }),
};

/**
 * No balancer, but the clients hold the balancers' cap themselves (first come, first served,
 * latency including the wait): the ideal capped balancer, the like-for-like ceiling for the
 * `seed` scenario where 150 clients share 100 permits.
 */
export const directCappedTarget: TargetSpec = {
  ...directTarget,
  name: 'direct-capped',
  describe: 'direct, with the load generator holding maxConnections requests in flight at most',
  limits: 'maxConnections in flight, queued in the client (no proxy)',
  start: async (context) => ({
    ...(await directTarget.start(context)),
    maxInFlight: context.maxConnections,
  }),
};
