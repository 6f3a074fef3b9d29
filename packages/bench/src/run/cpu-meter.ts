import { processTreeCpuUs } from '../util/proc-cpu';

/** CPU time used so far, microseconds, split by who spent it. */
export interface CpuSnapshot {
  target?: number;
  backends?: number;
  generator: number;
}

function ownCpuUs(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** Reads the target's and the backends' process trees from /proc, and this process's own. */
export function takeCpuSnapshot(targetPids: number[], backendPids: number[]): CpuSnapshot {
  return {
    target: targetPids.length > 0 ? processTreeCpuUs(targetPids) : undefined,
    backends: processTreeCpuUs(backendPids),
    generator: ownCpuUs(),
  };
}

function perRequest(before?: number, after?: number, requests = 0): number | undefined {
  if (before === undefined || after === undefined || requests === 0) return undefined;
  return (after - before) / requests;
}

/** CPU microseconds per request between two snapshots. */
export function cpuPerRequest(before: CpuSnapshot, after: CpuSnapshot, requests: number) {
  return {
    target: perRequest(before.target, after.target, requests),
    backends: perRequest(before.backends, after.backends, requests),
    generator: perRequest(before.generator, after.generator, requests) ?? 0,
  };
}
