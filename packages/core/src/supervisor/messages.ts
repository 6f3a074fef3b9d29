import type { Backend } from '../backend';
import type { Config } from '../config/load';
import type { LayoutDims } from '../shared/layout';

/** How connections reach workers. */
export type DispatchMode = 'handoff' | 'shared';

/** Everything a worker needs at start, passed as workerData. */
export interface WorkerInit {
  index: number;
  buffer: SharedArrayBuffer;
  dims: LayoutDims;
  config: Config;
  backends: Backend[];
  dispatch: DispatchMode;
  /** shared mode: this worker's own duplicate of the listening socket. */
  listenFd?: number;
}

/** Primary -> worker. */
export type ToWorker =
  | { type: 'connection'; slot: number }
  | { type: 'backends'; backends: Backend[] }
  | { type: 'drain' };

/** Worker -> primary. */
export type FromWorker = { type: 'ready' } | { type: 'drained' };
