import path from 'node:path';
import { parseArgs } from 'node:util';
import { BackendChoice, CompareOptions, defaultOptions, quickOverrides } from '../options';
import { allScenarios } from '../scenarios/catalog';
import { allTargets, targetGroups } from '../targets/catalog';
import { UsageError } from './usage-error';

export const usage = `usage: pnpm --filter bench run compare -- [options]
  --scenario LIST     comma-separated: ${allScenarios.map((s) => s.id).join(', ')} (default: all)
  --targets LIST      comma-separated names or groups l4, l7, peers (default: all)
                      names: ${allTargets.map((t) => t.name).join(', ')}
  --duration SECONDS  measured time per iteration (default 5, --quick 1.5)
  --warmup SECONDS    unmeasured warm-up before each iteration (default 1, --quick 0.5)
  --concurrency N     closed loop: clients; open loop: most connections open at once
                      (default: 150 for seed, skewed, skewed-capacity; 50 for overhead)
  --rate R            open loop: R requests per second over all load threads, latency from
                      each request's intended send time (default: closed loop)
  --workers N         balancer worker threads, HAProxy nbthread, nginx workers (default 2)
  --load-threads N    load-generator threads (default 2)
  --repeat N          iterations per scenario and target (default: seed 3, others 1)
  --backend KIND      auto, node or fastapi for the sleeping scenarios (default auto, --quick node)
  --out DIR           where to write <timestamp>.json and .html (default packages/bench/results)
  --quick             short CI smoke run with built-in Node backends
  --help              this text`;

const flagSpec = {
  scenario: { type: 'string' },
  targets: { type: 'string' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  concurrency: { type: 'string' },
  rate: { type: 'string' },
  workers: { type: 'string' },
  'load-threads': { type: 'string' },
  repeat: { type: 'string' },
  backend: { type: 'string' },
  out: { type: 'string' },
  quick: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/** What a number flag accepts: whole numbers, seconds, or a rate. */
type NumberKind = 'count' | 'seconds' | 'rate';

const expectedNumber: Record<NumberKind, string> = {
  count: 'a whole number > 0',
  seconds: 'a number of seconds > 0',
  rate: 'a number of requests per second > 0',
};

function positiveNumber(flag: string, text: string, kind: NumberKind): number {
  const value = Number(text);
  const ok = text.trim() !== '' && Number.isFinite(value) && value > 0;
  if (!ok || (kind === 'count' && !Number.isInteger(value))) {
    throw new UsageError(flag, expectedNumber[kind], text);
  }
  return value;
}

function listOf(
  flag: string,
  text: string,
  known: string[],
  groups: Record<string, string[]> = {},
) {
  const names = text
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const expanded = names.flatMap((name) => groups[name] ?? [name]);
  const unknown = expanded.find((name) => !known.includes(name));
  if (names.length === 0 || unknown !== undefined) {
    const expected = `a comma-separated list of ${[...known, ...Object.keys(groups)].join(', ')}`;
    throw new UsageError(flag, expected, unknown ?? text);
  }
  return [...new Set(expanded)];
}

function backendChoice(text: string): BackendChoice {
  if (text === 'auto' || text === 'node' || text === 'fastapi') return text;
  throw new UsageError('--backend', 'one of auto, node, fastapi', text);
}

function readFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: flagSpec, strict: true, allowPositionals: false })
      .values;
  } catch (err) {
    // node:util names the flag in its message; say what would have been accepted.
    throw new Error(`${(err as Error).message}\n\n${usage}`);
  }
}

/**
 * Turns `compare` arguments into options. `--quick` sets short windows and Node backends
 * unless the same setting is also given explicitly.
 * @returns undefined when `--help` was asked for.
 * @throws UsageError naming the flag, what it expects and what it got.
 */
export function parseCompareArgs(argv: string[]): CompareOptions | undefined {
  const flags = readFlags(argv);
  if (flags.help) return undefined;
  const options: CompareOptions = { ...defaultOptions, ...(flags.quick ? quickOverrides : {}) };
  options.quick = flags.quick ?? false;
  const targetNames = allTargets.map((t) => t.name);
  if (flags.scenario !== undefined) {
    options.scenarios = listOf(
      '--scenario',
      flags.scenario,
      allScenarios.map((s) => s.id),
    );
  }
  if (flags.targets !== undefined) {
    options.targets = listOf('--targets', flags.targets, targetNames, targetGroups);
  }
  if (flags.duration !== undefined)
    options.durationS = positiveNumber('--duration', flags.duration, 'seconds');
  if (flags.warmup !== undefined)
    options.warmupS = positiveNumber('--warmup', flags.warmup, 'seconds');
  if (flags.concurrency !== undefined)
    options.concurrency = positiveNumber('--concurrency', flags.concurrency, 'count');
  if (flags.rate !== undefined) options.rate = positiveNumber('--rate', flags.rate, 'rate');
  if (flags.workers !== undefined)
    options.workers = positiveNumber('--workers', flags.workers, 'count');
  if (flags['load-threads'] !== undefined) {
    options.loadThreads = positiveNumber('--load-threads', flags['load-threads'], 'count');
  }
  if (flags.repeat !== undefined)
    options.repeat = positiveNumber('--repeat', flags.repeat, 'count');
  if (flags.backend !== undefined) options.backend = backendChoice(flags.backend);
  if (flags.out !== undefined) options.outDir = path.resolve(flags.out);
  return options;
}
