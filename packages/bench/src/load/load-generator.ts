import { Histogram } from 'hdr-histogram-js';
import { Piscina } from 'piscina';
import { ConnectionMode } from '../scenarios/scenario';
import { resolveNodeScript } from '../util/node-script';
import { mergeHistograms } from './histogram';
import { ClientPlan, LoadTask, LoadTaskResult, LoadWindow } from './load-task';

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
}

/** The merged outcome of every thread. */
export interface LoadOutcome {
  histogram: Histogram;
  requests: number;
  errors: number;
  errorKinds: Record<string, number>;
  backends: Record<string, number>;
}

// Source addresses 127.0.0.10 .. 127.0.0.73: Linux answers on all of 127/8, and distinct
// sources give ip-hash something to hash and close mode 64x more (source, port) pairs.
const sourceAddresses = 64;

function planClients(ports: number[], concurrency: number): ClientPlan[] {
  return Array.from({ length: concurrency }, (_, i) => ({
    port: ports[i % ports.length] as number,
    localAddress: `127.0.0.${10 + (i % sourceAddresses)}`,
  }));
}

function taskFor(plan: LoadPlan, clients: ClientPlan[]): LoadTask {
  const { path, connection, window, requestTimeoutMs } = plan;
  const maxInFlight =
    plan.maxInFlight === undefined
      ? undefined
      : Math.max(1, Math.round((plan.maxInFlight * clients.length) / plan.concurrency));
  return { clients, path, connection, window, requestTimeoutMs, maxInFlight };
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
}

/**
 * The closed-loop load generator: a piscina pool used as a plain thread pool. Each thread gets
 * one task holding its share of the clients; `atomics: 'disabled'` because the task waits on
 * I/O, not on piscina's wake-up slot.
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
    const clients = planClients(plan.ports, plan.concurrency);
    const shares = Array.from({ length: this.threads }, (_, t) =>
      clients.filter((_, i) => i % this.threads === t),
    );
    const tasks = shares
      .filter((share) => share.length > 0)
      .map((share) => this.pool.run(taskFor(plan, share)));
    return this.merge(await Promise.all(tasks));
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
    return outcome;
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
