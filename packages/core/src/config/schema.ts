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

/** The `http` section (L7 only). Defaults are filled by `resolveHttpSettings`. */
export const httpSchema = z.strictObject({
  /** Largest request head (request line, fields, final CRLF), bytes; more gets 431. Default 16384. */
  maxHeadBytes: positiveInt.max(1_048_576).default(16384),
  /** Longest request line, bytes; longer gets 414. Default 8192. */
  maxRequestLineBytes: positiveInt.max(1_048_576).default(8192),
  /** Most header fields in one request; more gets 431. Default 100. */
  maxHeaderCount: positiveInt.max(10_000).default(100),
  /** From the first byte of a request head to its end, ms; slower gets 408. Default 10000. */
  headTimeoutMs: timerMs.default(10000),
  /** Longest pause inside a request body, ms; the request is then aborted. Default 30000. */
  bodyTimeoutMs: timerMs.default(30000),
  /** Longest wait for a backend byte once the request is sent, ms; then 504. Default 60000. */
  responseTimeoutMs: timerMs.default(60000),
  /** Open client connections across all workers; more are refused with 503. Default 10000. */
  maxClientConnections: positiveInt.max(1_000_000).default(10000),
  /**
   * Peers whose X-Forwarded-For / -Proto / -Host are believed (exact addresses, e.g.
   * 10.0.0.2). Default none: every client's forwarding fields are replaced.
   */
  trustedProxies: z.array(z.string().min(1)).default([]),
  /**
   * Also send an RFC 7239 `Forwarded` field (for, host, proto) to backends, extending a trusted
   * peer's. Default false: only X-Forwarded-For / -Proto / -Host.
   */
  forwarded: z.boolean().default(false),
  /**
   * Idle pooled backend connections are closed after this, ms, or earlier when the backend
   * announces `Keep-Alive: timeout=N`. Default 4000 (below the 5 s of Node's http server).
   */
  backendKeepAliveMs: timerMs.default(4000),
  /** Idle connections kept per backend in each worker. Default 32; 0 turns pooling off. */
  maxIdlePerBackend: nonNegativeInt.max(10_000).default(32),
});

export type HttpSettings = z.output<typeof httpSchema>;

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
      /** L7 only: path of the HTTP check (`GET path`). Default `/`. L4 checks connect only. */
      path: z
        .string()
        .startsWith('/')
        .regex(/^[\x21-\x7e]+$/)
        .optional(),
      /** L7 only: statuses that pass, as `[lowest, highest]`. Default [200, 399]. */
      expectStatus: z
        .tuple([z.number().int().min(100).max(599), z.number().int().min(100).max(599)])
        .optional(),
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
  /** L7 (HTTP) settings; absent for L4. Every key has a default (see `httpSchema`). */
  http: httpSchema.optional(),
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
