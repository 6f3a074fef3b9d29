import { logEvent, type Backend, type WorkerContext } from '@lb/core';

/**
 * Passive health: a failed connect counts against the backend; after `passive.maxFailures` in a
 * row it is ejected for `passive.ejectMs`, logged once as a state change.
 */
export function countFailure(worker: WorkerContext, backend: Backend, reason: string): void {
  const { maxFailures, ejectMs } = worker.config.passive;
  if (!worker.backends.recordFailure(backend, Date.now(), maxFailures, ejectMs)) return;
  const cause = `${maxFailures} connects failed in a row: ${reason}`;
  const fields = { backend: backend.id, from: 'up', to: 'ejected', cause };
  logEvent(worker.log, 'backend.state', fields, `backend ${backend.id} ejected`);
}
