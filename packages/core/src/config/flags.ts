import { LbError } from '../errors';

/** The flags both CLIs accept, with the config key each one sets. */
const FLAGS = {
  '--config': { key: 'config', kind: 'string' },
  '--listen': { key: 'listen', kind: 'string' },
  '--backend': { key: 'backends', kind: 'list' },
  '--algorithm': { key: 'algorithm', kind: 'string' },
  '--max-connections': { key: 'maxConnections', kind: 'int' },
  '--queue-timeout': { key: 'queueTimeoutMs', kind: 'int' },
  '--max-queue': { key: 'maxQueue', kind: 'int' },
  '--workers': { key: 'workers', kind: 'int' },
  '--admin': { key: 'admin', kind: 'admin' },
  '--dispatch': { key: 'dispatch', kind: 'string' },
  '--log-level': { key: 'log', kind: 'log' },
} as const;

export const USAGE = `usage: PROGRAM [--config FILE] [--listen HOST:PORT] [--backend ADDR]...
          [--algorithm round-robin|least-connections|ip-hash] [--max-connections N]
          [--queue-timeout MS] [--max-queue N] [--workers N] [--admin HOST:PORT|off]
          [--dispatch auto|handoff|shared] [--log-level LEVEL] [--help]`;

export interface ParsedFlags {
  config: string | undefined;
  help: boolean;
  /** Config keys set by flags; they override the file. */
  values: Record<string, unknown>;
}

/** Parses `--flag value` and `--flag=value`; an unknown flag or a missing value is an error. */
export function parseFlags(argv: readonly string[]): ParsedFlags {
  const out: ParsedFlags = { config: undefined, help: false, values: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      out.help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = FLAGS[name as keyof typeof FLAGS];
    if (!spec) {
      throw new LbError('LB_ERR_BAD_FLAG', {
        flag: JSON.stringify(arg),
        expected: 'one of ' + Object.keys(FLAGS).join(', '),
        received: 'an unknown flag',
      });
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) {
      throw new LbError('LB_ERR_BAD_FLAG', {
        flag: name,
        expected: 'a value after it',
        received: 'nothing',
      });
    }
    applyFlag(out, name, spec, value);
  }
  return out;
}

function applyFlag(
  out: ParsedFlags,
  name: string,
  spec: (typeof FLAGS)[keyof typeof FLAGS],
  value: string,
): void {
  switch (spec.kind) {
    case 'string':
      if (spec.key === 'config') out.config = value;
      else out.values[spec.key] = value;
      return;
    case 'list':
      ((out.values[spec.key] ??= []) as string[]).push(value);
      return;
    case 'int':
      out.values[spec.key] = parseInteger(name, value);
      return;
    case 'admin':
      out.values.admin = { listen: value === 'off' ? false : value };
      return;
    case 'log':
      out.values.log = { level: value };
      return;
  }
}

function parseInteger(flag: string, value: string): number {
  if (!/^-?\d+$/.test(value)) {
    throw new LbError('LB_ERR_BAD_FLAG', {
      flag,
      expected: 'an integer',
      received: JSON.stringify(value),
    });
  }
  return Number(value);
}
