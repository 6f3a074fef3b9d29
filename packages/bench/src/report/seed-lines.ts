import { RunResult, TargetRow } from '../run/results';
import { formatMs, formatTps } from './format';

/** One iteration in the original study's words: `TPS: x / 95th percentile latency: y`. */
export function seedIterationLine(target: string, run: RunResult): string {
  const p95 = `${run.latencyMs.p95.toFixed(3)}ms`;
  const tps = run.tps.toFixed(2);
  return `  ${target} #${run.iteration}  TPS: ${tps} / 95th percentile latency: ${p95}`;
}

/** The study's summary per balancer and algorithm: mean TPS, TPS range and p95 range. */
export function seedSummary(rows: TargetRow[]): string {
  const lines = ['   summary (mean TPS, TPS range, p95 range over iterations):'];
  for (const row of rows) {
    const s = row.summary;
    if (!s) continue;
    const range = `${formatTps(s.tpsMin)} ~ ${formatTps(s.tpsMax)}`;
    const tps = `mean TPS ${formatTps(s.tpsMean)} (${range})`;
    const p95 = `p95 ${formatMs(s.p95RangeMs[0])} ~ ${formatMs(s.p95RangeMs[1])} ms`;
    lines.push(`   - ${row.target.padEnd(24)} ${tps}, ${p95}`);
  }
  return lines.join('\n');
}
