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
