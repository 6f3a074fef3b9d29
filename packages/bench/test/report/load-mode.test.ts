import { renderHtmlReport } from '../../src/report/html-report';
import { renderScenarioTable } from '../../src/report/scenario-table';
import { CompareResult, LoadMode, ScenarioResult, TargetRow } from '../../src/run/results';

const summary = {
  requests: 300,
  errors: 0,
  errorKinds: {},
  tpsMean: 198.5,
  tpsMin: 198.5,
  tpsMax: 198.5,
  latencyMs: { p50: 1, p95: 2, p99: 3, max: 4, mean: 1.5 },
  p95RangeMs: [2, 2] as [number, number],
  share: { b1: 0.5, b2: 0.5 },
  curve: [[50, 1] as [number, number]],
  cpuUsPerRequest: { target: 10, backends: 5, generator: 2 },
};

function row(openLoop: boolean): TargetRow {
  const counts = { scheduled: 300, late: 7, unfinished: 0, maxLagMs: 1 };
  return {
    target: 'direct',
    kind: 'direct',
    describe: 'no proxy',
    limits: 'none',
    status: 'ok',
    runs: [],
    summary: openLoop ? { ...summary, openLoop: counts } : summary,
  };
}

function scenario(load: LoadMode): ScenarioResult {
  return {
    id: 'seed',
    title: 'seed',
    purpose: 'the study',
    path: '/',
    connection: 'close',
    concurrency: 150,
    load,
    backend: { kind: 'node', note: 'built-in' },
    rows: [row(load.kind === 'open')],
    notes: [],
  };
}

function compareResult(scenarios: ScenarioResult[]): CompareResult {
  return {
    startedAt: 'start',
    finishedAt: 'end',
    machine: { cpus: 2, node: 'v20', platform: 'linux' },
    options: {},
    scenarios,
    jsonFile: 'x.json',
    htmlFile: 'x.html',
  };
}

describe('reports state the load mode', () => {
  const open: LoadMode = { kind: 'open', rate: 200, maxConnections: 150 };
  const closed: LoadMode = { kind: 'closed', clients: 150 };

  it('heads an open-loop table with the offered rate and adds scheduled, late, unfinished', () => {
    const text = renderScenarioTable(scenario(open));
    expect(text).toContain('open loop at 200 req/s');
    expect(text).toContain('TPS is the achieved rate');
    expect(text).toMatch(/errors\s+scheduled\s+late\s+unfinished/);
    expect(text).toMatch(/198\.5 .* 300\s+7\s+0/);
  });

  it('heads a closed-loop table with its clients and leaves the open-loop columns out', () => {
    const text = renderScenarioTable(scenario(closed));
    expect(text).toContain('closed loop, 150 clients');
    expect(text).not.toContain('scheduled');
  });

  it('says the same in the HTML report', () => {
    const html = renderHtmlReport(compareResult([scenario(open), scenario(closed)]));
    expect(html).toContain('open loop at 200 req/s');
    expect(html).toContain('<th>scheduled</th><th>late</th><th>unfinished</th>');
    expect(html).toContain('closed loop, 150 clients');
  });
});
