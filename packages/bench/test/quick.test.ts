import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCompare } from '../src/compare-run';
import { defaultOptions, quickOverrides } from '../src/options';
import { CompareResult } from '../src/run/results';
import { allScenarios } from '../src/scenarios/catalog';
import { findBinary } from '../src/util/find-binary';
import { packagesRoot } from '../src/util/paths';

// direct and node-http-proxy always; HAProxy and nginx when installed (CI installs them); the
// balancers once their CLIs are built.
function quickTargets(): string[] {
  const targets = ['direct', 'direct-capped', 'node-http-proxy'];
  if (findBinary('haproxy')) targets.push('haproxy-tcp', 'haproxy-http');
  if (findBinary('nginx')) targets.push('nginx');
  for (const layer of ['l4', 'l7']) {
    if (!fs.existsSync(path.join(packagesRoot, layer, 'dist', 'cli.js'))) continue;
    for (const algorithm of ['round-robin', 'least-connections', 'ip-hash']) {
      targets.push(`${layer}-${algorithm}`);
    }
  }
  return targets;
}

describe('compare --quick', () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-bench-test-'));
  const targets = quickTargets();
  let result: CompareResult;

  beforeAll(async () => {
    const options = { ...defaultOptions, ...quickOverrides, quick: true, targets, outDir };
    result = await runCompare(options, () => undefined);
  }, 280000);

  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it('runs every scenario', () => {
    expect(result.scenarios.map((s) => s.id)).toEqual(allScenarios.map((s) => s.id));
  });

  it('has a row with requests and zero errors for every scenario and target', () => {
    for (const scenario of result.scenarios) {
      expect(scenario.rows.map((row) => row.target).sort()).toEqual([...targets].sort());
      for (const row of scenario.rows) {
        const context = `${scenario.id} / ${row.target}: ${row.reason ?? ''}`;
        expect([context, row.status]).toEqual([context, 'ok']);
        expect([context, (row.summary?.requests ?? 0) > 0]).toEqual([context, true]);
        expect([context, row.summary?.errorKinds]).toEqual([context, {}]);
      }
    }
  });

  it('writes the JSON results and the self-contained HTML report', () => {
    const saved = JSON.parse(fs.readFileSync(result.jsonFile, 'utf8')) as CompareResult;
    expect(saved.scenarios).toHaveLength(allScenarios.length);
    const html = fs.readFileSync(result.htmlFile, 'utf8');
    expect(html).toContain('<canvas id="latency-seed"');
    expect(html).not.toMatch(/<script[^>]+src=/);
  });
});
