import { requestTimeoutMs } from '../run/measure-target';
import { LoadMode, OpenLoopTotals } from '../run/results';

/** Milliseconds with sensible precision: 0.412, 12.3, 287. */
export function formatMs(ms: number): string {
  if (ms < 1) return ms.toFixed(3);
  if (ms < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}

export function formatTps(tps: number): string {
  return tps >= 1000 ? Math.round(tps).toString() : tps.toFixed(1);
}

export function formatOptional(value: number | undefined, digits = 1): string {
  return value === undefined ? '-' : value.toFixed(digits);
}

/** Per-backend share as `b1 34% b2 33% b3 33%`, in backend-id order. */
export function formatShare(share: Record<string, number>): string {
  return Object.keys(share)
    .sort()
    .map((id) => `${id} ${Math.round((share[id] ?? 0) * 100)}%`)
    .join(' ');
}

export function formatErrors(errors: number, kinds: Record<string, number>): string {
  if (errors === 0) return '0';
  const detail = Object.entries(kinds)
    .map(([kind, n]) => `${kind}: ${n}`)
    .join(', ');
  return `${errors} (${detail})`;
}

/** The load mode in words, for the heading of a scenario's table. */
export function describeLoad(load: LoadMode): string {
  if (load.kind === 'closed') return `closed loop, ${load.clients} clients`;
  return (
    `open loop at ${load.rate} req/s (latency from each request's intended send time), ` +
    `at most ${load.maxConnections} connections; TPS is the achieved rate`
  );
}

export const openLoopLegend =
  'scheduled = requests due in the window (rate x duration), recorded whenever they end; ' +
  'late = of those, waited for a free connection; unfinished = still unanswered when the run ' +
  `gave up on them, ${requestTimeoutMs / 1000} s after the window`;

/** The three open-loop counts as table cells: scheduled, late, unfinished. */
export function openLoopCells(counts: OpenLoopTotals | undefined): string[] {
  if (!counts) return ['-', '-', '-'];
  return [String(counts.scheduled), String(counts.late), String(counts.unfinished)];
}
