import { Scenario } from '../scenarios/scenario';
import { requestTimeoutMs } from './measure-target';
import { LoadMode, TargetRow, TargetSummary } from './results';

/** How much faster than the fastest proxy `direct` must be to clear the generator. */
const requiredHeadroom = 1.3;

type MeasuredRow = TargetRow & { summary: TargetSummary };

function fastestProxy(rows: TargetRow[]): MeasuredRow | undefined {
  const proxies = rows.filter(
    (r): r is MeasuredRow => !r.target.startsWith('direct') && !!r.summary,
  );
  return proxies.sort((a, b) => b.summary.tpsMean - a.summary.tpsMean)[0];
}

/**
 * In zero-delay keep-alive runs the generator and the backends must outrun every proxy, or the
 * table measures the generator. Direct (no proxy) is the ceiling they set.
 * Worked number: direct 114k TPS against l4 at 57k is 2.0x, clear of the 1.3x bar.
 */
export function generatorNote(rows: TargetRow[]): string | undefined {
  const direct = rows.find((r) => r.target === 'direct')?.summary;
  const fastest = fastestProxy(rows);
  if (!direct || !fastest) return undefined;
  const ratio = direct.tpsMean / fastest.summary.tpsMean;
  const tps = (n: number) => Math.round(n).toString();
  const numbers =
    `direct ${tps(direct.tpsMean)} TPS vs fastest proxy ${fastest.target} ` +
    `${tps(fastest.summary.tpsMean)} (${ratio.toFixed(2)}x)`;
  if (ratio >= requiredHeadroom) return `${numbers}: the load generator is not the bottleneck`;
  return (
    `${numbers}: below ${requiredHeadroom}x, the load generator or backends may be the ` +
    'bottleneck; read the proxy rows as lower bounds'
  );
}

/** Above this, the generator's own timers were late enough to show in the latencies, ms. */
const tolerableLagMs = 5;

// Open loop: every target that keeps up answers the same rate, so TPS cannot rank them.
function openLoopNotes(rows: TargetRow[]): string[] {
  const notes = [
    'open loop: TPS is capped by the offered rate, so compare latency and late counts',
  ];
  const behind = rows.filter((r) => (r.summary?.openLoop?.unfinished ?? 0) > 0);
  if (behind.length > 0) {
    const names = behind.map((r) => r.target).join(', ');
    const after = `${requestTimeoutMs / 1000} s after the window`;
    notes.push(`${names}: requests still unanswered ${after}; the target fell behind the rate`);
  }
  const lagging = rows.filter((r) => (r.summary?.openLoop?.maxLagMs ?? 0) > tolerableLagMs);
  if (lagging.length > 0) {
    const lags = lagging.map((r) => `${r.target} ${r.summary!.openLoop!.maxLagMs.toFixed(0)} ms`);
    notes.push(
      `the load generator fell behind its own schedule by up to ${lags.join(', ')}; ` +
        'that much of the latency may be its own',
    );
  }
  return notes;
}

/** Notes printed under a scenario's table about how far its numbers can be trusted. */
export function scenarioNotes(scenario: Scenario, load: LoadMode, rows: TargetRow[]): string[] {
  const notes = load.kind === 'open' ? openLoopNotes(rows) : [];
  if (scenario.path !== '/fast') return notes;
  if (scenario.connection === 'keep-alive') {
    // The headroom check compares throughput, which an open loop fixes in advance.
    const note = load.kind === 'closed' ? generatorNote(rows) : undefined;
    return note ? [...notes, note] : notes;
  }
  // With one connection per request, direct makes the backends accept and close every request,
  // while an L7 proxy reuses pooled backend connections: direct is no ceiling here.
  return [
    ...notes,
    'direct opens one backend connection per request while L7 proxies pool theirs, ' +
      'so an L7 proxy may beat direct here',
  ];
}
