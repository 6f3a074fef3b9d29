import fs from 'node:fs';
import path from 'node:path';
import { CompareResult, ScenarioResult, TargetRow } from '../run/results';
import {
  describeLoad,
  formatErrors,
  formatMs,
  formatOptional,
  formatShare,
  formatTps,
  openLoopCells,
  openLoopLegend,
} from './format';
import { pageScript } from './page-script';
import { seedSummary } from './seed-lines';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Inlined so the report opens offline; `</script` inside would end the tag early.
function chartJsSource(): string {
  const dist = path.dirname(require.resolve('chart.js'));
  const source = fs.readFileSync(path.join(dist, 'chart.umd.min.js'), 'utf8');
  return source.replace(/<\/script/gi, '<\\/script');
}

function rowHtml(row: TargetRow, openLoop: boolean): string {
  const s = row.summary;
  if (row.status !== 'ok' || !s) {
    const reason = `${row.status}: ${row.reason ?? ''}`;
    const cell = `<td colspan="${openLoop ? 12 : 9}">${escapeHtml(reason)}</td>`;
    return `<tr class="${row.status}"><td>${row.target}</td>${cell}</tr>`;
  }
  const cpu = s.cpuUsPerRequest;
  const cells = [
    String(s.requests),
    formatTps(s.tpsMean),
    formatMs(s.latencyMs.p50),
    formatMs(s.latencyMs.p95),
    formatMs(s.latencyMs.p99),
    formatErrors(s.errors, s.errorKinds),
    ...(openLoop ? openLoopCells(s.openLoop) : []),
    formatShare(s.share),
    s.queue?.summary ?? '-',
    `${formatOptional(cpu.target)} / ${formatOptional(cpu.backends)} / ${cpu.generator.toFixed(1)}`,
  ];
  const title = escapeHtml(`${row.describe}; limits: ${row.limits}`);
  const tds = cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('');
  return `<tr><td title="${title}">${row.target}</td>${tds}</tr>`;
}

function scenarioHtml(scenario: ScenarioResult): string {
  const openLoop = scenario.load.kind === 'open';
  const head = ['target', 'requests', 'TPS', 'p50 ms', 'p95 ms', 'p99 ms', 'errors'];
  if (openLoop) head.push('scheduled', 'late', 'unfinished');
  head.push('share', 'queue wait', 'CPU µs/req target / backends / generator');
  const legend = openLoop ? `<p>${escapeHtml(openLoopLegend)}.</p>` : '';
  const notes = scenario.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('');
  const summary =
    scenario.id === 'seed' ? `<pre>${escapeHtml(seedSummary(scenario.rows))}</pre>` : '';
  // The latency curves get a row of their own: with a dozen targets their legend would
  // otherwise leave the plot a sliver.
  const charts = ['latency', 'tps', 'share']
    .map((kind) => {
      const width = kind === 'latency' ? ' wide' : '';
      return `<div class="chart${width}"><canvas id="${kind}-${scenario.id}"></canvas></div>`;
    })
    .join('');
  return `<section><h2>${escapeHtml(scenario.title)}</h2>
<p>${escapeHtml(scenario.purpose)}</p>
<p>${escapeHtml(describeLoad(scenario.load))}; ${scenario.connection}, GET ${scenario.path}.
Backends: ${escapeHtml(scenario.backend.note)}.</p>
<div class="wide-table"><table><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr>
${scenario.rows.map((row) => rowHtml(row, openLoop)).join('\n')}</table></div>${legend}${notes}${summary}
<div class="charts">${charts}</div></section>`;
}

// Only what the charts need goes into the page script; histograms stay in the JSON file.
function chartData(result: CompareResult): string {
  const scenarios = result.scenarios.map((s) => ({
    id: s.id,
    rows: s.rows
      .filter((r) => r.summary)
      .map((r) => ({
        target: r.target,
        tps: r.summary!.tpsMean,
        curve: r.summary!.curve,
        share: r.summary!.share,
      })),
  }));
  return JSON.stringify(scenarios).replace(/</g, '\\u003c');
}

const style = `body { font: 14px system-ui, sans-serif; margin: 2em; color: #222 }
table { border-collapse: collapse; margin: 1em 0; font-size: 13px }
td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: right }
td { white-space: nowrap }
.wide-table { overflow-x: auto }
td:first-child, th:first-child { text-align: left }
tr.skipped td, tr.failed td { color: #999; text-align: left; white-space: normal }
.charts { display: flex; flex-wrap: wrap; gap: 1em }
.chart { position: relative; width: 48%; min-width: 360px; height: 300px }
.chart.wide { width: 100%; height: 380px }
.note { color: #a40 }`;

/** A self-contained HTML page: tables, charts and chart.js itself, no network needed. */
export function renderHtmlReport(result: CompareResult): string {
  const options = escapeHtml(JSON.stringify(result.options));
  const { cpus, node, platform } = result.machine;
  const title = `lb bench ${result.startedAt}`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>
<style>${style}</style></head><body>
<h1>Load balancer comparison</h1>
<p>${result.startedAt} to ${result.finishedAt}; ${cpus} CPUs, Node ${node}, ${platform}.
Load generator, backends and targets share this machine. Options: <code>${options}</code></p>
${result.scenarios.map(scenarioHtml).join('\n')}
<script>${chartJsSource()}</script>
<script>const DATA = ${chartData(result)};${pageScript}</script>
</body></html>
`;
}
