import fs from 'node:fs';
import path from 'node:path';
import { RunningBackends, startBackends } from '../backends/backend-set';
import { LoadGenerator } from '../load/load-generator';
import { CompareOptions } from '../options';
import { Progress } from '../report/progress';
import { seedIterationLine } from '../report/seed-lines';
import { Scenario } from '../scenarios/scenario';
import { RunningTarget, TargetContext, TargetSpec } from '../targets/target';
import { chooseBackend } from './backend-choice';
import { scenarioNotes } from './generator-check';
import { measureTarget } from './measure-target';
import { LoadMode, RunResult, ScenarioResult, TargetRow } from './results';
import { summarizeRuns } from './summarize';

/** What every scenario of one compare run shares. */
export interface RunContext {
  options: CompareOptions;
  targets: TargetSpec[];
  generator: LoadGenerator;
  progress: Progress;
  tempDir: string;
  python: string | undefined;
}

function runSeconds(options: CompareOptions): number {
  return options.warmupS + options.durationS;
}

export function iterationsOf(scenario: Scenario, options: CompareOptions): number {
  return options.repeat ?? scenario.repeat;
}

function emptyRow(spec: TargetSpec, status: TargetRow['status'], reason?: string): TargetRow {
  const { name, kind, describe, limits } = spec;
  const row: TargetRow = { target: name, kind, describe, limits, status, runs: [] };
  if (reason !== undefined) row.reason = reason;
  return row;
}

// Each target gets its own dir for config, log, pid and temp paths. World-readable, because
// nginx's workers drop to an unprivileged user when started as root.
function targetDir(run: RunContext, scenario: Scenario, spec: TargetSpec): string {
  const dir = path.join(run.tempDir, scenario.id, spec.name);
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  return dir;
}

function targetContext(
  run: RunContext,
  scenario: Scenario,
  spec: TargetSpec,
  backends: RunningBackends,
): TargetContext {
  return {
    backends: backends.endpoints,
    workers: run.options.workers,
    maxConnections: 100,
    queueTimeoutMs: 10000,
    tempDir: targetDir(run, scenario, spec),
  };
}

// The iterations of one started target, each printed study-style in the seed scenario.
async function measureIterations(
  spec: TargetSpec,
  scenario: Scenario,
  running: RunningTarget,
  backends: RunningBackends,
  run: RunContext,
): Promise<RunResult[]> {
  const { options, progress } = run;
  const runs: RunResult[] = [];
  for (let iteration = 1; iteration <= iterationsOf(scenario, options); iteration++) {
    progress.runStarted(`${scenario.id} ${spec.name} #${iteration}`, runSeconds(options));
    const settings = {
      iteration,
      concurrency: options.concurrency ?? scenario.concurrency,
      warmupS: options.warmupS,
      durationS: options.durationS,
      rate: options.rate,
    };
    const result = await measureTarget(run.generator, scenario, running, backends, settings);
    progress.runFinished();
    runs.push(result);
    if (scenario.id === 'seed') progress.log(seedIterationLine(spec.name, result));
  }
  return runs;
}

/** Starts, measures and stops one target; one that cannot start becomes a row saying why. */
async function runTarget(
  spec: TargetSpec,
  scenario: Scenario,
  backends: RunningBackends,
  run: RunContext,
): Promise<TargetRow> {
  const plannedSeconds = iterationsOf(scenario, run.options) * runSeconds(run.options);
  const unavailable = spec.unavailable();
  if (unavailable) {
    run.progress.skip(plannedSeconds);
    return emptyRow(spec, 'skipped', unavailable);
  }
  let running: RunningTarget;
  try {
    running = await spec.start(targetContext(run, scenario, spec, backends));
  } catch (err) {
    run.progress.skip(plannedSeconds);
    return emptyRow(spec, 'failed', (err as Error).message);
  }
  try {
    const runs = await measureIterations(spec, scenario, running, backends, run);
    return { ...emptyRow(spec, 'ok'), runs, summary: summarizeRuns(runs) };
  } finally {
    await running.stop();
  }
}

function loadMode(concurrency: number, rate: number | undefined): LoadMode {
  if (rate === undefined) return { kind: 'closed', clients: concurrency };
  return { kind: 'open', rate, maxConnections: concurrency };
}

function emptyScenarioResult(scenario: Scenario, run: RunContext): ScenarioResult {
  const { id, title, purpose, path: requestPath, connection } = scenario;
  const concurrency = run.options.concurrency ?? scenario.concurrency;
  return {
    id,
    title,
    purpose,
    path: requestPath,
    connection,
    concurrency,
    load: loadMode(concurrency, run.options.rate),
    backend: chooseBackend(scenario, run.options, run.python),
    rows: [],
    notes: [],
  };
}

/** Starts the scenario's backends, runs every target against them, stops everything. */
export async function runScenario(scenario: Scenario, run: RunContext): Promise<ScenarioResult> {
  const result = emptyScenarioResult(scenario, run);
  const { maxConcurrency } = scenario;
  const specs = scenario.delays.map((delay, i) => ({ id: `b${i + 1}`, delay, maxConcurrency }));
  const logDir = path.join(run.tempDir, scenario.id);
  fs.mkdirSync(logDir, { recursive: true, mode: 0o755 });
  let backends: RunningBackends;
  try {
    backends = await startBackends(result.backend.kind, specs, { logDir, python: run.python });
  } catch (err) {
    const reason = `backends did not start: ${(err as Error).message}`;
    result.rows = run.targets.map((spec) => emptyRow(spec, 'failed', reason));
    return result;
  }

  if (scenario.id === 'seed') run.progress.log('== seed iterations (as in the original study)');
  try {
    for (const spec of run.targets) {
      result.rows.push(await runTarget(spec, scenario, backends, run));
    }
  } finally {
    await backends.stop();
  }
  result.notes.push(...scenarioNotes(scenario, result.load, result.rows));
  return result;
}
