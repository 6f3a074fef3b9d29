/**
 * Every error the balancer can report, in one table: a stable code, a message template, the
 * HTTP status where one applies, and the side that caused it. Codes never change meaning; a new
 * failure gets a new code.
 */
export type ErrorSide = 'client' | 'backend' | 'internal' | 'config';

interface ErrorSpec {
  message: (d: Record<string, unknown>) => string;
  status?: number;
  side: ErrorSide;
}

const TABLE = {
  LB_ERR_CONFIG: {
    side: 'config',
    message: (d) => `config ${d.key}: expected ${d.expected}, received ${d.received}`,
  },
  LB_ERR_CONFIG_FILE: {
    side: 'config',
    message: (d) => `config file ${d.file}: ${d.reason}`,
  },
  LB_ERR_BAD_FLAG: {
    side: 'config',
    message: (d) => `flag ${d.flag}: expected ${d.expected}, received ${d.received}`,
  },
  LB_ERR_LAYOUT_MISMATCH: {
    side: 'internal',
    message: (d) => `shared memory layout version ${d.received}, this build uses ${d.expected}`,
  },
  LB_ERR_LISTEN: {
    side: 'config',
    message: (d) => `cannot listen on ${d.address}: ${d.reason}`,
  },
  LB_ERR_NO_HEALTHY_BACKEND: {
    side: 'backend',
    status: 503,
    message: () => 'no healthy backend is available',
  },
  LB_ERR_QUEUE_TIMEOUT: {
    side: 'internal',
    status: 503,
    message: (d) => `no permit within the queue timeout of ${d.timeoutMs} ms`,
  },
  LB_ERR_QUEUE_FULL: {
    side: 'internal',
    status: 503,
    message: (d) => `the queue is full (${d.maxQueue} waiting)`,
  },
  LB_ERR_BACKENDS_FULL: {
    side: 'backend',
    status: 503,
    message: (d) => `every available backend stayed at its maxConnections for ${d.timeoutMs} ms`,
  },
  LB_ERR_BACKEND_CONNECT: {
    side: 'backend',
    status: 502,
    message: (d) => `cannot connect to backend ${d.backend}: ${d.reason}`,
  },
  LB_ERR_BACKEND_TIMEOUT: {
    side: 'backend',
    status: 504,
    message: (d) => `backend ${d.backend} did not answer within ${d.timeoutMs} ms`,
  },
  LB_ERR_BACKEND_RESET: {
    side: 'backend',
    status: 502,
    message: (d) => `backend ${d.backend} closed the connection: ${d.reason}`,
  },
  LB_ERR_BAD_REQUEST: {
    side: 'client',
    status: 400,
    message: (d) => `bad request: ${d.reason}`,
  },
  LB_ERR_URI_TOO_LONG: {
    side: 'client',
    status: 414,
    message: (d) => `request line too long: ${d.reason}`,
  },
  LB_ERR_HEADERS_TOO_LARGE: {
    side: 'client',
    status: 431,
    message: (d) => `request head too large: ${d.reason}`,
  },
  LB_ERR_NOT_IMPLEMENTED: {
    side: 'client',
    status: 501,
    message: (d) => `not implemented: ${d.reason}`,
  },
  LB_ERR_VERSION_NOT_SUPPORTED: {
    side: 'client',
    status: 505,
    message: (d) => `HTTP version not supported: ${d.reason}`,
  },
  LB_ERR_REQUEST_TIMEOUT: {
    side: 'client',
    status: 408,
    message: (d) => `request head not complete within ${d.timeoutMs} ms`,
  },
  LB_ERR_BODY_TIMEOUT: {
    side: 'client',
    status: 408,
    message: (d) => `request body stalled for ${d.timeoutMs} ms`,
  },
  LB_ERR_BAD_RESPONSE: {
    side: 'backend',
    status: 502,
    message: (d) => `backend ${d.backend} sent an invalid response: ${d.reason}`,
  },
  LB_ERR_TOO_MANY_CONNECTIONS: {
    side: 'internal',
    status: 503,
    message: (d) => `client connection limit of ${d.limit} reached`,
  },
  LB_ERR_CLIENT_ABORT: {
    side: 'client',
    message: (d) => `client closed the connection: ${d.reason}`,
  },
  LB_ERR_IDLE_TIMEOUT: {
    side: 'client',
    message: (d) => `connection idle for ${d.timeoutMs} ms`,
  },
  LB_ERR_WORKER_EXIT: {
    side: 'internal',
    message: (d) => `worker ${d.worker} exited with code ${d.code}`,
  },
  LB_ERR_HANDOFF: {
    side: 'internal',
    message: (d) => `cannot hand a connection to a worker: ${d.reason}`,
  },
} satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof TABLE;

export class LbError extends Error {
  readonly code: ErrorCode;
  readonly side: ErrorSide;
  readonly status: number | undefined;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, details: Record<string, unknown> = {}) {
    const spec: ErrorSpec = TABLE[code];
    super(spec.message(details));
    this.name = 'LbError';
    this.code = code;
    this.side = spec.side;
    this.status = spec.status;
    this.details = details;
  }
}

/** The HTTP status an error maps to, 502 for anything not in the table. */
export function statusOf(code: ErrorCode): number {
  const spec: ErrorSpec = TABLE[code];
  return spec.status ?? 502;
}
