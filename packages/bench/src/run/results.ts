import { BackendKind } from '../backends/backend-set';
import { OpenLoopTotals } from '../load/load-generator';
import { ConnectionMode } from '../scenarios/scenario';
import { TargetKind } from '../targets/target';

export type { OpenLoopTotals };

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** CPU microseconds per successful request during the measured window. */
export interface CpuPerRequest {
  /** The target's processes (with their threads and children); absent for `direct`. */
  target?: number;
  backends?: number;
  /** The whole compare process: mostly the load-generator threads. */
  generator: number;
}

/** Queue information from the target's admin `GET /stats`, when it reports one. */
export interface QueueInfo {
  summary: string;
  raw: unknown;
}

/** Closed loop: clients that each send again when answered; open loop: a fixed send rate. */
export type LoadMode =
  { kind: 'closed'; clients: number } | { kind: 'open'; rate: number; maxConnections: number };

/** One measured iteration of one target. */
export interface RunResult {
  iteration: number;
  durationS: number;
  requests: number;
  errors: number;
  errorKinds: Record<string, number>;
  tps: number;
  /** Milliseconds. */
  latencyMs: LatencySummary;
  backends: Record<string, number>;
  cpuUsPerRequest: CpuPerRequest;
  queue?: QueueInfo;
  /** hdr-histogram-js, microseconds, compressed base64. */
  histogram: string;
  /** Present in open-loop runs. */
  openLoop?: OpenLoopTotals;
}

/** All iterations of one target merged: histograms added exactly, TPS averaged. */
export interface TargetSummary {
  requests: number;
  errors: number;
  errorKinds: Record<string, number>;
  tpsMean: number;
  tpsMin: number;
  tpsMax: number;
  latencyMs: LatencySummary;
  p95RangeMs: [number, number];
  /** Share of successful responses per backend id, 0..1. */
  share: Record<string, number>;
  /** [percentile, milliseconds] points of the merged histogram. */
  curve: [number, number][];
  cpuUsPerRequest: CpuPerRequest;
  queue?: QueueInfo;
  /** Present in open-loop runs. */
  openLoop?: OpenLoopTotals;
}

export interface TargetRow {
  target: string;
  kind: TargetKind;
  describe: string;
  limits: string;
  status: 'ok' | 'skipped' | 'failed';
  reason?: string;
  runs: RunResult[];
  summary?: TargetSummary;
}

export interface ScenarioResult {
  id: string;
  title: string;
  purpose: string;
  path: string;
  connection: ConnectionMode;
  /** Clients (closed loop) or the cap on open connections (open loop). */
  concurrency: number;
  load: LoadMode;
  backend: { kind: BackendKind; note: string };
  rows: TargetRow[];
  notes: string[];
}

export interface CompareResult {
  startedAt: string;
  finishedAt: string;
  machine: { cpus: number; node: string; platform: string };
  options: Record<string, unknown>;
  scenarios: ScenarioResult[];
  jsonFile: string;
  htmlFile: string;
}
