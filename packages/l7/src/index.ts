import { join } from 'node:path';

export * from './http/index';
export { l7ProbeFor } from './health-probe';
export { L7Handler } from './proxy/handler';

/** The worker script of the L7 balancer (the .ts file under jest, the .js file when built). */
export const L7_WORKER_ENTRY = join(
  __dirname,
  `worker${__filename.endsWith('.ts') ? '.ts' : '.js'}`,
);
