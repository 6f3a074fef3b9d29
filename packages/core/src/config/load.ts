import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import type { Algorithm } from '../balancer/index';
import type { Backend } from '../backend';
import { LbError } from '../errors';
import { parseFlags } from './flags';
import {
  configSchema,
  httpSchema,
  parseAddress,
  type HttpSettings,
  type ParsedAddress,
  type RawConfig,
} from './schema';

/** Validated configuration with defaults filled in and backends resolved. */
export interface Config extends Omit<RawConfig, 'backends' | 'listen' | 'workers' | 'admin'> {
  algorithm: Algorithm;
  listen: ParsedAddress;
  workers: number;
  backends: Backend[];
  admin: { listen: ParsedAddress | false; token: string | undefined };
}

export interface LoadOptions {
  /** Command-line arguments after the program name. */
  argv: readonly string[];
  /** Environment; `WORKERS` sets the worker count below the `--workers` flag. */
  env: NodeJS.ProcessEnv;
  /** Scheme a backend address may carry (`http` for L7); none for L4. */
  backendScheme?: string;
}

/**
 * Builds the configuration from a file, the flags and the environment, in rising precedence:
 * file < WORKERS < flags. Throws LbError naming the first bad key; nothing has started yet.
 */
export function loadConfig(options: LoadOptions): Config {
  const flags = parseFlags(options.argv);
  const fromFile = flags.config !== undefined ? readConfigFile(flags.config) : {};
  const merged: Record<string, unknown> = { ...(fromFile as Record<string, unknown>) };
  if (options.env.WORKERS !== undefined && options.env.WORKERS !== '') {
    merged.workers = numberFromEnv('WORKERS', options.env.WORKERS);
  }
  for (const [key, value] of Object.entries(flags.values))
    merged[key] = mergeValue(merged[key], value);
  return validateConfig(merged, options.backendScheme);
}

/** Validates a plain object (from a file or a test) and resolves it. */
export function validateConfig(input: unknown, backendScheme?: string): Config {
  const result = configSchema.safeParse(input);
  if (!result.success) throw configError(result.error.issues[0]!, input);
  const raw = result.data;
  const backends = raw.backends.map((entry, i) => resolveBackend(entry, i, backendScheme));
  assertUniqueIds(backends);
  const adminListen = raw.admin.listen === false ? false : parseAddress(raw.admin.listen)!;
  if (adminListen && !isLoopback(adminListen.host) && !raw.admin.token) {
    throw new LbError('LB_ERR_CONFIG', {
      key: 'admin.token',
      expected: 'a token of 16+ characters when admin.listen is not a loopback address',
      received: 'nothing',
    });
  }
  return {
    ...raw,
    algorithm: raw.algorithm as Algorithm,
    listen: parseAddress(raw.listen)!,
    workers: raw.workers ?? availableParallelism(),
    backends,
    admin: { listen: adminListen, token: raw.admin.token },
  };
}

function resolveBackend(entry: RawConfig['backends'][number], i: number, scheme?: string): Backend {
  const spec = typeof entry === 'string' ? { address: entry, weight: 1, maxConnections: 0 } : entry;
  const parsed = parseAddress(spec.address)!;
  if (parsed.scheme !== undefined && parsed.scheme !== scheme) {
    throw new LbError('LB_ERR_CONFIG', {
      key: `backends[${i}]`,
      expected: scheme ? `an address like ${scheme}://127.0.0.1:9001` : 'host:port with no scheme',
      received: JSON.stringify(spec.address),
    });
  }
  if (parsed.port === 0) {
    throw new LbError('LB_ERR_CONFIG', {
      key: `backends[${i}]`,
      expected: 'a backend port from 1 to 65535',
      received: JSON.stringify(spec.address),
    });
  }
  const id = ('id' in spec && spec.id) || `${formatHost(parsed.host)}:${parsed.port}`;
  return {
    id,
    host: parsed.host,
    port: parsed.port,
    weight: spec.weight,
    maxConnections: spec.maxConnections,
    slot: -1,
  };
}

function assertUniqueIds(backends: Backend[]): void {
  const seen = new Set<string>();
  backends.forEach((b, i) => {
    if (seen.has(b.id)) {
      throw new LbError('LB_ERR_CONFIG', {
        key: `backends[${i}].id`,
        expected: 'a backend id used once',
        received: JSON.stringify(b.id),
      });
    }
    seen.add(b.id);
  });
}

/** A flag setting one field of a section (`--admin`) keeps the file's other fields. */
function mergeValue(fromFile: unknown, fromFlag: unknown): unknown {
  const isMap = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  return isMap(fromFile) && isMap(fromFlag)
    ? { ...(fromFile as object), ...(fromFlag as object) }
    : fromFlag;
}

function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new LbError('LB_ERR_CONFIG_FILE', { file, reason: (err as Error).message });
  }
  try {
    const data = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new Error('the top level must be a mapping of keys to values');
    }
    return data;
  } catch (err) {
    throw new LbError('LB_ERR_CONFIG_FILE', {
      file,
      reason: (err as Error).message.split('\n')[0],
    });
  }
}

function numberFromEnv(name: string, value: string): number {
  const n = Number(value);
  if (!/^[1-9]\d*$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new LbError('LB_ERR_CONFIG', {
      key: `env ${name}`,
      expected: 'a positive integer',
      received: JSON.stringify(value),
    });
  }
  return n;
}

/** Turns a schema issue into one error naming the key path, what was expected and what came. */
function configError(issue: z.core.$ZodIssue, input: unknown): LbError {
  const key = formatPath(issue.path);
  const received = describeValue(valueAt(input, issue.path));
  if (issue.code === 'unrecognized_keys') {
    const prefix = key === '(top level)' ? '' : `${key}.`;
    return new LbError('LB_ERR_CONFIG', {
      key: `${prefix}${issue.keys[0]}`,
      expected: 'no such key (check the spelling against the config reference)',
      received: describeValue(valueAt(input, [...issue.path, issue.keys[0]!])),
    });
  }
  return new LbError('LB_ERR_CONFIG', { key, expected: expectedOf(issue), received });
}

function expectedOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      if (issue.origin === 'array') return `at least ${issue.minimum} entries`;
      if (issue.origin === 'string') return `at least ${issue.minimum} characters`;
      return `a value ${issue.inclusive === false ? '>' : '>='} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'array') return `at most ${issue.maximum} entries`;
      if (issue.origin === 'string') return `at most ${issue.maximum} characters`;
      return `a value ${issue.inclusive === false ? '<' : '<='} ${issue.maximum}`;
    case 'invalid_union':
      return 'an address string or a backend object { address, id?, weight?, maxConnections? }';
    default:
      return issue.message.replace(/^Invalid input: /, '');
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`))
    .join('');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const p of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[p];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The `http` section with every default filled (an L4 config has none: all defaults). */
export function resolveHttpSettings(config: Pick<Config, 'http'>): HttpSettings {
  return config.http ?? httpSchema.parse({});
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** Host for display and ids: IPv6 in brackets. */
export function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
