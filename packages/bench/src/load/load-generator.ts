import { Histogram } from 'hdr-histogram-js';
import { Piscina } from 'piscina';
import { ConnectionMode } from '../scenarios/scenario';
import { resolveNodeScript } from '../util/node-script';
import { splitLimit } from '../peers/split-limit';
import { sourceAddress } from './client-connection';
import { mergeHistograms } from './histogram';
import { ClientPlan, LoadTask, LoadTaskResult, LoadWindow, OpenLoopCounts } from './load-task';

/** One measured run: which ports, how many clients, what they send. */
export interface LoadPlan {
  ports: number[];
  concurrency: number;
  path: string;
  connection: ConnectionMode;
  window: LoadWindow;
  requestTimeoutMs: number;
  /** Cap on requests in flight over all threads, split by each thread's share of clients. */
  maxInFlight?: number;
  /**
   * Open loop at this many requests per second over all threads; `concurrency` then caps the
   * connections instead of counting clients. Absent: closed loop.
   */
  rate?: number;
}

/** Open-loop totals of a run (or of several), for requests due inside the measured window. */
export interface OpenLoopTotals extends OpenLoopCounts {
  /**
   * Neither answered nor failed when the run gave up on them, `requestTimeoutMs` after the
   * window: still waiting or in flight. They have no latency; any at all mean the target could
   * not keep up with the rate.
   */
  unfinished: number;
}

/** The merged outcome of every thread. */
export interface LoadOutcome {
  histogram: Histogram;
  requests: number;
  errors: number;
  errorKinds: Record<string, number>;
  backends: Record<string, number>;
  /** Present in open-loop runs. */
  openLoop?: OpenLoopTotals;
}

function planClients(ports: number[], concurrency: number): ClientPlan[] {
  return Array.from({ length: concurrency }, (_, i) => ({
    port: ports[i % ports.length] as number,
    localAddress: sourceAddress(i),
  }));
}

function closedLoopTask(plan: LoadPlan, clients: ClientPlan[]): LoadTask {
  const { path, connection, window, requestTimeoutMs } = plan;
  const maxInFlight =
    plan.maxInFlight === undefined
      ? undefined
      : Math.max(1, Math.round((plan.maxInFlight * clients.length) / plan.concurrency));
  const load = { kind: 'closed' as const, clients };
  return { load, path, connection, window, requestTimeoutMs, maxInFlight };
}

// Thread t of n takes every n-th request of the schedule and 1/n of each cap.
function openLoopTask(plan: LoadPlan, rate: number, thread: number, threads: number): LoadTask {
  const { path, connection, window, requestTimeoutMs, ports } = plan;
  const share = (total: number) => Math.max(1, splitLimit(total, threads)[thread]!);
  const maxConnections = share(plan.concurrency);
  const load = { kind: 'open' as const, rate, thread, threads, ports, maxConnections };
  const maxInFlight = plan.maxInFlight === undefined ? undefined : share(plan.maxInFlight);
  return { load, path, connection, window, requestTimeoutMs, maxInFlight };
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
}

function openLoopTotals(results: LoadTaskResult[], outcome: LoadOutcome): OpenLoopTotals {
  const scheduled = results.reduce((n, r) => n + (r.openLoop?.scheduled ?? 0), 0);
  const late = results.reduce((n, r) => n + (r.openLoop?.late ?? 0), 0);
  const maxLagMs = Math.max(...results.map((r) => r.openLoop?.maxLagMs ?? 0));
  const unfinished = scheduled - outcome.requests - outcome.errors;
  return { scheduled, late, unfinished, maxLagMs };
}

/**
 * The load generator, closed loop or open loop (`LoadPlan.rate`): a piscina pool used as a plain
 * thread pool. Each thread gets one task holding its share of the clients or of the schedule;
 * `atomics: 'disabled'` because the task waits on I/O, not on piscina's wake-up slot.
 */
export class LoadGenerator {
  private readonly pool: Piscina<LoadTask, LoadTaskResult>;

  /** @param threads worker threads; clients are dealt out round robin over them. */
  constructor(private readonly threads: number) {
    const script = resolveNodeScript(__dirname, 'load-worker');
    this.pool = new Piscina({
      filename: script.file,
      execArgv: script.execArgv,
      minThreads: threads,
      maxThreads: threads,
      atomics: 'disabled',
      idleTimeout: 60000,
    });
  }

  async run(plan: LoadPlan): Promise<LoadOutcome> {
    return this.merge(await Promise.all(this.tasksFor(plan).map((task) => this.pool.run(task))));
  }

  private tasksFor(plan: LoadPlan): LoadTask[] {
    const { rate } = plan;
    if (rate !== undefined) {
      return Array.from({ length: this.threads }, (_, t) =>
        openLoopTask(plan, rate, t, this.threads),
      );
    }
    const clients = planClients(plan.ports, plan.concurrency);
    const shares = Array.from({ length: this.threads }, (_, t) =>
      clients.filter((_, i) => i % this.threads === t),
    );
    return shares.filter((share) => share.length > 0).map((share) => closedLoopTask(plan, share));
  }

  private merge(results: LoadTaskResult[]): LoadOutcome {
    const outcome: LoadOutcome = {
      histogram: mergeHistograms(results.map((r) => r.histogram)),
      requests: 0,
      errors: 0,
      errorKinds: {},
      backends: {},
    };
    for (const result of results) {
      outcome.requests += result.requests;
      outcome.errors += result.errors;
      addCounts(outcome.errorKinds, result.errorKinds);
      addCounts(outcome.backends, result.backends);
    }
    if (results.some((r) => r.openLoop)) outcome.openLoop = openLoopTotals(results, outcome);
    return outcome;
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
