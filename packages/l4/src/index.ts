import { join } from 'node:path';

export { L4Handler } from './relay';

/** The worker script of the L4 balancer (the .ts file under jest, the .js file when built). */
export const L4_WORKER_ENTRY = join(
  __dirname,
  `worker${__filename.endsWith('.ts') ? '.ts' : '.js'}`,
);
