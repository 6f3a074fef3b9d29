import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { formatHost } from '../config/load';
import { ADMIN_STATE_NAMES, Health, type SharedState } from '../shared/state';
import type { Supervisor } from '../supervisor/supervisor';
import { PRIORITY_CLASSES } from '../supervisor/supervisor';

/** The JSON served at GET /stats. */
export interface Stats {
  dispatch: string | undefined;
  permits: { capacity: number; inUse: number; free: number };
  queue: { total: number; byClass: Record<string, number>; timeouts: number; overflows: number };
  connectionsTotal: number;
  backends: {
    id: string;
    address: string;
    weight: number;
    health: 'up' | 'down';
    admin: string;
    ejected: boolean;
    active: number;
    total: number;
    failures: number;
  }[];
  workers: ReturnType<Supervisor['workerStats']>;
}

export function collectStats(supervisor: Supervisor, now = Date.now()): Stats {
  const s: SharedState = supervisor.state;
  const capacity = s.load('permitCapacity');
  const free = s.load('permitsFree');
  const byClass: Record<string, number> = {};
  PRIORITY_CLASSES.forEach((name, c) => (byClass[name] = s.load('queueWaiting', c)));
  return {
    dispatch: supervisor.dispatchMode,
    permits: { capacity, inUse: capacity - free, free },
    queue: {
      total: s.load('queueTotal'),
      byClass,
      timeouts: s.load64('queueTimeouts'),
      overflows: s.load64('queueOverflows'),
    },
    connectionsTotal: s.load64('connectionsTotal'),
    backends: supervisor.backends.map((b) => ({
      id: b.id,
      address: `${formatHost(b.host)}:${b.port}`,
      weight: b.weight,
      health: s.load('backendHealth', b.slot) === Health.Up ? 'up' : 'down',
      admin: ADMIN_STATE_NAMES[s.load('backendAdmin', b.slot)] ?? 'enabled',
      ejected: s.load64('backendEjectedUntil', b.slot) > now,
      active: s.load('backendActive', b.slot),
      total: s.load64('backendTotal', b.slot),
      failures: s.load64('backendFailures', b.slot),
    })),
    workers: supervisor.workerStats(),
  };
}

/**
 * The admin listener. Loopback by default; when a token is configured every request must carry
 * `Authorization: Bearer <token>`. Only GET /stats exists for now.
 */
export function startAdminServer(
  supervisor: Supervisor,
  host: string,
  port: number,
  token?: string,
): Promise<Server> {
  const server = createServer((req, res) => handle(supervisor, token, req, res));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => resolve(server));
  });
}

function handle(
  supervisor: Supervisor,
  token: string | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  if (token && !authorised(req.headers.authorization, token)) {
    return reply(res, 401, {
      error: 'LB_ERR_ADMIN_AUTH',
      message: 'missing or wrong bearer token',
    });
  }
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/stats' && req.method === 'GET') return reply(res, 200, collectStats(supervisor));
  reply(res, 404, {
    error: 'LB_ERR_ADMIN_NOT_FOUND',
    message: `no admin endpoint ${req.method} ${path}`,
  });
}

function authorised(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header ?? '');
  const wanted = Buffer.from(`Bearer ${token}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(text + '\n');
}
