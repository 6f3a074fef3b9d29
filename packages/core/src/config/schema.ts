import { z } from 'zod';
import { ALGORITHMS } from '../balancer/index';

/** `host:port`, `[v6]:port`, or with a scheme (`http://host:port`) for L7 backends. */
const ADDRESS =
  /^(?:(?<scheme>[a-z][a-z0-9+.-]*):\/\/)?(?:\[(?<v6>[0-9a-fA-F:.]+)\]|(?<host>[A-Za-z0-9.-]+)):(?<port>\d{1,5})\/?$/;

export interface ParsedAddress {
  scheme: string | undefined;
  host: string;
  port: number;
}

export function parseAddress(text: string): ParsedAddress | null {
  const m = ADDRESS.exec(text.trim());
  if (!m?.groups) return null;
  const port = Number(m.groups.port);
  if (port > 65535) return null;
  return { scheme: m.groups.scheme, host: (m.groups.v6 ?? m.groups.host)!, port };
}

const address = z.string().refine((s) => parseAddress(s) !== null, {
  message: 'an address like 127.0.0.1:8080 or [::1]:8080 (port 0-65535)',
});
const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
/** A delay for setTimeout: Node fires anything above 2^31-1 ms after 1 ms instead. */
const timerMs = positiveInt.max(2_147_483_647);

const backendObject = z.strictObject({
  /** Address of the backend, `host:port` (L7: `http://host:port`). */
  address,
  /** Stable id for counters and logs; default: the address. */
  id: z.string().min(1).optional(),
  /** Relative share of new work; default 1, 0 sends nothing. */
  weight: z.number().int().min(0).max(256).default(1),
  /** Cap on concurrent work for this backend; default 0 (no cap beyond the global one). */
  maxConnections: nonNegativeInt.default(0),
});

export const configSchema = z.strictObject({
  /** Where clients connect. Default 127.0.0.1:8080. */
  listen: address.default('127.0.0.1:8080'),
  /** Backends to balance over; at least one. */
  backends: z.array(z.union([address, backendObject])).min(1),
  /** Balancing policy. Default round-robin. */
  algorithm: z.enum(ALGORITHMS as [string, ...string[]]).default('round-robin'),
  /** Permits across all workers: concurrent connections (L4) or requests (L7). Default 100. */
  maxConnections: positiveInt.max(1_000_000).default(100),
  /** Longest wait for a permit, ms. Default 5000. */
  queueTimeoutMs: timerMs.default(5000),
  /** Waiters allowed at once across all workers. Default 1000, at most 65536. */
  maxQueue: nonNegativeInt.max(65536).default(1000),
  /** Worker threads. Default: the number of cores. */
  workers: positiveInt.max(64).optional(),
  /** How accepted connections reach workers: primary hands them off, or workers accept. */
  dispatch: z.enum(['auto', 'handoff', 'shared']).default('auto'),
  timeouts: z
    .strictObject({
      /** Connect to a backend, ms. Default 3000. */
      connectMs: timerMs.default(3000),
      /** A connection with no traffic either way is closed after this, ms. Default 60000. */
      idleMs: timerMs.default(60000),
      /** On SIGTERM/SIGINT, open connections get this long to finish, ms. Default 10000. */
      shutdownGraceMs: nonNegativeInt.max(2_147_483_647).default(10000),
    })
    .prefault({}),
  /** Other backends tried after a failed connect. Default 2. */
  retries: nonNegativeInt.max(16).default(2),
  healthCheck: z
    .strictObject({
      /** Active checks on or off. Default on. */
      enabled: z.boolean().default(true),
      /** Between checks of one backend, ms (plus up to 10 % jitter). Default 2000. */
      intervalMs: timerMs.default(2000),
      /** One check's deadline, ms. Default 1000. */
      timeoutMs: timerMs.default(1000),
      /** Consecutive passes that bring a down backend up. Default 2. */
      rise: positiveInt.default(2),
      /** Consecutive failures that take an up backend down. Default 3. */
      fall: positiveInt.default(3),
    })
    .prefault({}),
  passive: z
    .strictObject({
      /** Consecutive real-traffic failures that eject a backend; 0 disables. Default 3. */
      maxFailures: nonNegativeInt.default(3),
      /** How long an ejected backend sits out, ms. Default 10000. */
      ejectMs: positiveInt.default(10000),
    })
    .prefault({}),
  admin: z
    .strictObject({
      /** Admin listener; loopback by default. `false` turns it off. */
      listen: z.union([address, z.literal(false)]).default('127.0.0.1:9900'),
      /** Bearer token; required when the admin listener is not on loopback. */
      token: z.string().min(16).optional(),
    })
    .prefault({}),
  log: z
    .strictObject({
      /** Lowest level written. Default info. */
      level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    })
    .prefault({}),
});

export type ConfigInput = z.input<typeof configSchema>;
export type RawConfig = z.output<typeof configSchema>;
