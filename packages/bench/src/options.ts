import { defaultResultsDir } from './util/paths';

/** Which backends serve the sleeping scenarios (seed, skewed, skewed-capacity). */
export type BackendChoice = 'auto' | 'node' | 'fastapi';

/** Everything `compare` can be told; `parseCompareArgs` fills it from the command line. */
export interface CompareOptions {
  /** Scenario ids to run. Default: all (seed, skewed, skewed-capacity, overhead, overhead-close). */
  scenarios: string[];
  /** Target names to run. Default: all; unavailable ones are reported as skipped. */
  targets: string[];
  /** Measured time per iteration, seconds. Default 5; `--quick` 1.5. */
  durationS: number;
  /** Warm-up before each iteration, not measured, seconds. Default 1; `--quick` 0.5. */
  warmupS: number;
  /**
   * Closed loop: clients. Open loop: the most connections open at once over all load threads.
   * Default: the scenario's own (150 for the sleeping scenarios, 50 for overhead).
   */
  concurrency: number | undefined;
  /**
   * Open loop at this many requests per second over all load threads, latency from each
   * request's intended send time. Default undefined: closed loop.
   */
  rate: number | undefined;
  /** Balancer worker threads; also HAProxy `nbthread` and nginx `worker_processes`. Default 2. */
  workers: number;
  /** Load-generator threads (piscina). Default 2. */
  loadThreads: number;
  /** Iterations per scenario and target. Default: the scenario's own (seed 3, others 1). */
  repeat: number | undefined;
  /** Short CI smoke run: Node backends, short windows, one iteration. Default false. */
  quick: boolean;
  /** Backends for the sleeping scenarios. Default `auto` (FastAPI when importable; quick: node). */
  backend: BackendChoice;
  /** Directory for `<timestamp>.json` and `.html`. Default packages/bench/results. */
  outDir: string;
}

export const defaultOptions: CompareOptions = {
  scenarios: [],
  targets: [],
  durationS: 5,
  warmupS: 1,
  concurrency: undefined,
  rate: undefined,
  workers: 2,
  loadThreads: 2,
  repeat: undefined,
  quick: false,
  backend: 'auto',
  outDir: defaultResultsDir,
};

/** What `--quick` changes, unless the same flag is also given explicitly. */
export const quickOverrides: Partial<CompareOptions> = {
  durationS: 1.5,
  warmupS: 0.5,
  repeat: 1,
  backend: 'node',
};
