import { ScenarioResult, TargetRow } from '../run/results';
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
import { seedSummary } from './seed-lines';
import { renderTable, TableColumn } from './text-table';

const leadColumns: TableColumn[] = [
  { title: 'target' },
  { title: 'requests', right: true },
  { title: 'TPS', right: true },
  { title: 'p50 ms', right: true },
  { title: 'p95 ms', right: true },
  { title: 'p99 ms', right: true },
  { title: 'errors', right: true },
];

const openLoopColumns: TableColumn[] = [
  { title: 'scheduled', right: true },
  { title: 'late', right: true },
  { title: 'unfinished', right: true },
];

const tailColumns: TableColumn[] = [
  { title: 'share per backend' },
  { title: 'queue wait' },
  { title: 'CPU us/req' },
];

function rowCells(row: TargetRow, openLoop: boolean): string[] {
  const s = row.summary;
  const extra = openLoop ? openLoopCells(s?.openLoop) : [];
  if (row.status !== 'ok' || !s) {
    const blanks = extra.map(() => '');
    return [row.target, '', '', '', '', '', '', ...blanks, `${row.status} (reason below)`, '', ''];
  }
  const cpu = s.cpuUsPerRequest;
  return [
    row.target,
    String(s.requests),
    formatTps(s.tpsMean),
    formatMs(s.latencyMs.p50),
    formatMs(s.latencyMs.p95),
    formatMs(s.latencyMs.p99),
    formatErrors(s.errors, s.errorKinds),
    ...extra,
    formatShare(s.share),
    s.queue?.summary ?? '-',
    `${formatOptional(cpu.target)} / ${formatOptional(cpu.backends)} / ${cpu.generator.toFixed(1)}`,
  ];
}

/** The per-scenario table printed after the scenario ran. */
export function renderScenarioTable(scenario: ScenarioResult): string {
  const heading = [
    `== ${scenario.title}`,
    `   ${describeLoad(scenario.load)}; ${scenario.connection}, GET ${scenario.path}`,
    `   backends: ${scenario.backend.note}`,
  ];
  const openLoop = scenario.load.kind === 'open';
  const columns = [...leadColumns, ...(openLoop ? openLoopColumns : []), ...tailColumns];
  const table = renderTable(
    columns,
    scenario.rows.map((row) => rowCells(row, openLoop)),
  );
  const legend = ['   CPU us/req = target / backends / load generator, per successful request'];
  if (openLoop) legend.push(`   ${openLoopLegend}`);
  const notes = scenario.notes.map((note) => `   note: ${note}`);
  const reasons = scenario.rows
    .filter((row) => row.status !== 'ok')
    .map((row) => `   ${row.target} ${row.status}: ${row.reason ?? ''}`);
  const summary = scenario.id === 'seed' ? [seedSummary(scenario.rows)] : [];
  return [...heading, '', table, ...legend, ...notes, ...reasons, ...summary, ''].join('\n');
}
