import { BackendEndpoint } from '../backends/backend-set';

/** What every target is started with, so the limits are the same for all of them. */
export interface TargetContext {
  backends: BackendEndpoint[];
  /** Worker threads (l4, l7), `nbthread` (HAProxy), `worker_processes` (nginx). */
  workers: number;
  /** Concurrent work towards the backends: permits, maxconn. Default 100. */
  maxConnections: number;
  /** How long a request may wait for a permit, milliseconds. Default 10000. */
  queueTimeoutMs: number;
  /** Scratch dir of this run: configs, logs, pid files, temp paths. */
  tempDir: string;
}

/** A target that accepts traffic now. */
export interface RunningTarget {
  /** Loopback ports the clients spread over (three for `direct`, one for a proxy). */
  ports: number[];
  /** Processes whose CPU time is the target's cost (none for `direct`). */
  pids: number[];
  /** Admin listener serving `GET /stats`, when the target has one. */
  adminPort?: number;
  /** The load generator itself holds this cap on requests in flight (`direct-capped`). */
  maxInFlight?: number;
  stop(): Promise<void>;
}

export type TargetKind = 'direct' | 'balancer' | 'peer';

export interface TargetSpec {
  name: string;
  kind: TargetKind;
  /** One line for the report: what runs and how. */
  describe: string;
  /** The concurrency limit as this target applies it, in words. */
  limits: string;
  /** Why this target cannot run here (binary or build missing), or undefined. */
  unavailable(): string | undefined;
  start(context: TargetContext): Promise<RunningTarget>;
}
