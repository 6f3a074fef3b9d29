import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * The one place that decides how loud each event is. Call sites name the event; this table picks
 * the level, so a client hanging up never pages anyone and a backend state change is always seen.
 */
const EVENT_LEVELS = {
  /** The balancer started, stopped, or changed its listeners. */
  lifecycle: 'info',
  /** A backend went up or down, by checks or by real traffic. */
  'backend.state': 'info',
  /** A connect or request to a backend failed and another backend will be tried. */
  'backend.retry': 'warn',
  /** Every try failed; the client got an error. Logged once per connection or request. */
  'backend.failed': 'error',
  /** A client sent something the balancer refuses (bad framing, too large, too slow). */
  'client.error': 'info',
  /** A backend connection broke mid-stream (reset, error); the client's side is reset too. */
  'backend.abort': 'warn',
  /** The client hung up or reset: normal on the internet. */
  'client.abort': 'debug',
  /** A client was turned away by the queue (timeout or overflow). */
  'client.rejected': 'warn',
  /** A worker thread died and was replaced. */
  'worker.exit': 'error',
  /** Something the balancer cannot recover from by itself. */
  fatal: 'fatal',
} as const;

export type LogEvent = keyof typeof EVENT_LEVELS;

/**
 * A JSON logger on stdout. Writes are synchronous so worker threads and the primary interleave
 * whole lines and nothing is lost on exit; per-connection events sit at debug, off by default.
 */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino(
    { level, base: { pid: process.pid, ...bindings } },
    pino.destination({ dest: 1, sync: true }),
  );
}

/** Logs `event` at the level the table gives it. Bindings first, a short message second. */
export function logEvent(
  log: Logger,
  event: LogEvent,
  fields: Record<string, unknown>,
  msg: string,
): void {
  const level = EVENT_LEVELS[event];
  if (log.isLevelEnabled(level)) log[level]({ event, ...fields }, msg);
}
