import fs from 'node:fs';
import path from 'node:path';
import { packagesRoot } from '../util/paths';
import { pickFreePort } from '../util/ports';
import { startTargetProcess } from './start-target-process';
import { TargetContext, TargetSpec } from './target';

export type Layer = 'l4' | 'l7';
export type Algorithm = 'round-robin' | 'least-connections' | 'ip-hash';

export const algorithms: Algorithm[] = ['round-robin', 'least-connections', 'ip-hash'];

function cliPath(layer: Layer): string {
  return path.join(packagesRoot, layer, 'dist', 'cli.js');
}

// l4 takes bare host:port backends; l7 takes URLs.
function backendArgs(layer: Layer, context: TargetContext): string[] {
  const prefix = layer === 'l7' ? 'http://' : '';
  return context.backends.flatMap((b) => ['--backend', `${prefix}127.0.0.1:${b.port}`]);
}

/** How the balancer's primary gets connections to workers (see core's dispatcher). */
export type Dispatch = 'shared' | 'handoff';

async function startBalancer(
  layer: Layer,
  algorithm: Algorithm,
  context: TargetContext,
  dispatch?: Dispatch,
) {
  const port = await pickFreePort();
  const adminPort = await pickFreePort();
  const args = [cliPath(layer), '--listen', `127.0.0.1:${port}`, ...backendArgs(layer, context)];
  args.push('--algorithm', algorithm, '--max-connections', String(context.maxConnections));
  args.push('--queue-timeout', String(context.queueTimeoutMs));
  args.push('--workers', String(context.workers), '--admin', `127.0.0.1:${adminPort}`);
  if (dispatch) args.push('--dispatch', dispatch);

  const name = `${layer}-${algorithm}${dispatch ? `-${dispatch}` : ''}`;
  const child = await startTargetProcess(name, process.execPath, args, port, context.tempDir);
  return { ports: [port], pids: [child.pid], adminPort, stop: () => child.stop() };
}

/**
 * `l4` or `l7` from this repo, run through its CLI as a child process. `dispatch` pins how
 * connections reach workers (default: the balancer's own choice), so the report can show the
 * CPU each strategy costs per connection.
 */
export function balancerTarget(
  layer: Layer,
  algorithm: Algorithm,
  dispatch?: Dispatch,
): TargetSpec {
  const unit = layer === 'l4' ? 'TCP connections' : 'in-flight requests';
  const suffix = dispatch ? `-${dispatch}` : '';
  return {
    name: `${layer}-${algorithm}${suffix}`,
    kind: 'balancer',
    describe: `packages/${layer}/dist/cli.js --algorithm ${algorithm}${dispatch ? ` --dispatch ${dispatch}` : ''}`,
    limits: `--max-connections 100 (${unit}), --queue-timeout 10 s`,
    unavailable: () =>
      fs.existsSync(cliPath(layer))
        ? undefined
        : `packages/${layer}/dist/cli.js not built yet (run \`pnpm --filter ${layer} build\`)`,
    start: (context) => startBalancer(layer, algorithm, context, dispatch),
  };
}
