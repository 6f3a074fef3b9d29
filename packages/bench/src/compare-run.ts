import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFastApiPython } from './backends/fastapi-probe';
import { LoadGenerator } from './load/load-generator';
import { CompareOptions } from './options';
import { Progress } from './report/progress';
import { renderScenarioTable } from './report/scenario-table';
import { resultFiles, writeResults } from './report/write-results';
import { CompareResult } from './run/results';
import { iterationsOf, runScenario } from './run/run-scenario';
import { allScenarios } from './scenarios/catalog';
import { allTargets } from './targets/catalog';

function selected<T extends { id?: string; name?: string }>(all: T[], names: string[]): T[] {
  if (names.length === 0) return all;
  return all.filter((item) => names.includes(item.id ?? item.name ?? ''));
}

function plannedSeconds(options: CompareOptions, targetCount: number): number {
  const scenarios = selected(allScenarios, options.scenarios);
  const perRun = options.warmupS + options.durationS;
  return scenarios.reduce((sum, s) => sum + iterationsOf(s, options) * targetCount * perRun, 0);
}

function machine() {
  return {
    cpus: os.cpus().length,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/**
 * Runs the selected scenarios against the selected targets, prints a table per scenario and
 * writes `<outDir>/<timestamp>.json` and `.html`.
 * @param write where tables go (stdout by default); the progress bar goes to stderr.
 */
export async function runCompare(
  options: CompareOptions,
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<CompareResult> {
  const started = new Date();
  const scenarios = selected(allScenarios, options.scenarios);
  const targets = selected(allTargets, options.targets);
  const python = options.backend === 'node' ? undefined : findFastApiPython();
  if (options.backend === 'fastapi' && !python) {
    throw new Error('--backend fastapi: no python3 on this machine can import fastapi and uvicorn');
  }

  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-bench-'));
  fs.chmodSync(tempDir, 0o755);
  const generator = new LoadGenerator(options.loadThreads);
  const progress = new Progress(plannedSeconds(options, targets.length), write);
  const files = resultFiles(options.outDir, started);
  const result: CompareResult = {
    startedAt: started.toISOString(),
    finishedAt: '',
    machine: machine(),
    options: { ...options },
    scenarios: [],
    jsonFile: files.json,
    htmlFile: files.html,
  };

  progress.start();
  try {
    for (const scenario of scenarios) {
      const scenarioResult = await runScenario(scenario, {
        options,
        targets,
        generator,
        progress,
        tempDir,
        python,
      });
      result.scenarios.push(scenarioResult);
      progress.log(renderScenarioTable(scenarioResult));
    }
  } finally {
    progress.stop();
    await generator.close();
  }
  result.finishedAt = new Date().toISOString();
  writeResults(result);
  keepOrRemoveTemp(result, tempDir, write);
  write(`results: ${result.jsonFile}\nreport:  ${result.htmlFile}\n`);
  return result;
}

// Logs and generated configs are kept only when something failed, since that is when they help.
function keepOrRemoveTemp(result: CompareResult, tempDir: string, write: (t: string) => void) {
  const failed = result.scenarios.some((s) => s.rows.some((r) => r.status === 'failed'));
  if (failed) write(`configs and logs of this run: ${tempDir}\n`);
  else fs.rmSync(tempDir, { recursive: true, force: true });
}
