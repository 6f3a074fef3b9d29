import { Histogram } from 'hdr-histogram-js';
import { curvePercentiles, mergeHistograms } from '../load/histogram';
import { OpenLoopTotals } from '../load/load-generator';
import { CpuPerRequest, LatencySummary, RunResult, TargetSummary } from './results';

const usToMs = (us: number): number => us / 1000;

export function latencySummary(histogram: Histogram): LatencySummary {
  return {
    p50: usToMs(histogram.getValueAtPercentile(50)),
    p95: usToMs(histogram.getValueAtPercentile(95)),
    p99: usToMs(histogram.getValueAtPercentile(99)),
    max: usToMs(histogram.maxValue),
    mean: usToMs(histogram.mean),
  };
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

function meanDefined(values: (number | undefined)[]): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length === 0 ? undefined : mean(known);
}

function averageCpu(runs: RunResult[]): CpuPerRequest {
  return {
    target: meanDefined(runs.map((r) => r.cpuUsPerRequest.target)),
    backends: meanDefined(runs.map((r) => r.cpuUsPerRequest.backends)),
    generator: mean(runs.map((r) => r.cpuUsPerRequest.generator)),
  };
}

function addCounts(runs: RunResult[], pick: (run: RunResult) => Record<string, number>) {
  const total: Record<string, number> = {};
  for (const run of runs) {
    for (const [key, n] of Object.entries(pick(run))) total[key] = (total[key] ?? 0) + n;
  }
  return total;
}

function sumOpenLoop(runs: RunResult[]): OpenLoopTotals | undefined {
  const counts = runs.map((r) => r.openLoop).filter((c): c is OpenLoopTotals => !!c);
  if (counts.length === 0) return undefined;
  const sum = (pick: (c: OpenLoopTotals) => number) => counts.reduce((n, c) => n + pick(c), 0);
  return {
    scheduled: sum((c) => c.scheduled),
    late: sum((c) => c.late),
    unfinished: sum((c) => c.unfinished),
    maxLagMs: Math.max(...counts.map((c) => c.maxLagMs)),
  };
}

/** Merges a target's iterations: one exact histogram, TPS mean and range, p95 range. */
export function summarizeRuns(runs: RunResult[]): TargetSummary {
  const histogram = mergeHistograms(runs.map((r) => r.histogram));
  const requests = runs.reduce((n, r) => n + r.requests, 0);
  const backends = addCounts(runs, (r) => r.backends);
  const share = Object.fromEntries(
    Object.entries(backends).map(([id, n]) => [id, requests > 0 ? n / requests : 0]),
  );
  const tps = runs.map((r) => r.tps);
  const p95s = runs.map((r) => r.latencyMs.p95);
  const summary: TargetSummary = {
    requests,
    errors: runs.reduce((n, r) => n + r.errors, 0),
    errorKinds: addCounts(runs, (r) => r.errorKinds),
    tpsMean: mean(tps),
    tpsMin: Math.min(...tps),
    tpsMax: Math.max(...tps),
    latencyMs: latencySummary(histogram),
    p95RangeMs: [Math.min(...p95s), Math.max(...p95s)],
    share,
    curve: curvePercentiles.map((p) => [p, usToMs(histogram.getValueAtPercentile(p))]),
    cpuUsPerRequest: averageCpu(runs),
    queue: runs[runs.length - 1]?.queue,
  };
  const openLoop = sumOpenLoop(runs);
  if (openLoop) summary.openLoop = openLoop;
  return summary;
}
