import { formatHost, LbError, logEvent, type Backend, type Logger } from '@lb/core';
import { renderErrorResponse } from '../http/index';

/** 503s invite a retry: the cause (queue, no backend) is usually gone within a second. */
const RETRY_AFTER_SEC = 1;

/**
 * The response a client gets for a balancer error: status from the error table, the code in
 * `x-lb-error`, and a body of fixed text (the details, such as backend addresses, go to the log
 * only). Logged here, once, at the level the log table gives the event.
 */
export function errorResponse(
  log: Logger,
  err: LbError,
  options: { close: boolean; headOnly: boolean },
): Buffer {
  const event =
    err.side === 'backend'
      ? 'backend.failed'
      : err.side === 'client'
        ? 'client.error'
        : 'client.rejected';
  logEvent(log, event, { code: err.code, ...err.details }, err.message);
  const status = err.status ?? 502;
  return renderErrorResponse({
    status,
    code: err.code,
    close: options.close,
    headOnly: options.headOnly,
    retryAfterSec: status === 503 ? RETRY_AFTER_SEC : undefined,
  });
}

/** `host:port` of a backend, for error details and logs. */
export function addressOf(backend: Backend): string {
  return `${formatHost(backend.host)}:${backend.port}`;
}
