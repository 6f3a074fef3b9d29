import { RunningBackends } from '../backends/backend-set';
import { encodeHistogram } from '../load/histogram';
import { LoadGenerator } from '../load/load-generator';
import { Scenario } from '../scenarios/scenario';
import { RunningTarget } from '../targets/target';
import { cpuPerRequest, CpuSnapshot, takeCpuSnapshot } from './cpu-meter';
import { readQueueInfo } from './queue-stats';
import { RunResult } from './results';
import { latencySummary } from './summarize';

/** One iteration's knobs. */
export interface MeasureSettings {
  iteration: number;
  concurrency: number;
  /** Warm-up, then measured time, seconds. */
  warmupS: number;
  durationS: number;
  /** Open loop at this many requests per second; absent: closed loop. */
  rate?: number;
}

/** Above the 10 s queue timeout plus the slowest backend, so only a hang counts as timeout. */
export const requestTimeoutMs = 15000;

// Snapshots at the window edges, taken on the main thread, which is idle while threads load.
function snapshotAt(when: number, take: () => CpuSnapshot): Promise<CpuSnapshot> {
  return new Promise((resolve) => setTimeout(() => resolve(take()), when - Date.now()));
}

/** Runs one measured iteration of the scenario against a running target. */
export async function measureTarget(
  generator: LoadGenerator,
  scenario: Scenario,
  target: RunningTarget,
  backends: RunningBackends,
  settings: MeasureSettings,
): Promise<RunResult> {
  const startAt = Date.now() + 100;
  const measureFrom = startAt + settings.warmupS * 1000;
  const endAt = measureFrom + settings.durationS * 1000;
  const take = () => takeCpuSnapshot(target.pids, backends.pids);
  const cpuBefore = snapshotAt(measureFrom, take);
  const cpuAfter = snapshotAt(endAt, take);

  const outcome = await generator.run({
    ports: target.ports,
    concurrency: settings.concurrency,
    path: scenario.path,
    connection: scenario.connection,
    window: { startAt, measureFrom, endAt },
    requestTimeoutMs,
    maxInFlight: target.maxInFlight,
    rate: settings.rate,
  });
  const queue = target.adminPort ? await readQueueInfo(target.adminPort) : undefined;
  const result: RunResult = {
    iteration: settings.iteration,
    durationS: settings.durationS,
    requests: outcome.requests,
    errors: outcome.errors,
    errorKinds: outcome.errorKinds,
    tps: outcome.requests / settings.durationS,
    latencyMs: latencySummary(outcome.histogram),
    backends: outcome.backends,
    cpuUsPerRequest: cpuPerRequest(await cpuBefore, await cpuAfter, outcome.requests),
    queue,
    histogram: encodeHistogram(outcome.histogram),
  };
  if (outcome.openLoop) result.openLoop = outcome.openLoop;
  return result;
}
