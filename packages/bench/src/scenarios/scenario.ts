import { DelayRange } from '../backends/delay';

/** `keep-alive`: one connection per client for the whole run; `close`: one per request. */
export type ConnectionMode = 'keep-alive' | 'close';

export interface Scenario {
  id: string;
  title: string;
  /** What the scenario shows, for the report. */
  purpose: string;
  /** Request path: `/` sleeps, `/fast` does not. */
  path: '/' | '/fast';
  connection: ConnectionMode;
  /** Closed-loop clients. */
  concurrency: number;
  /** Measured iterations per target unless `--repeat` says otherwise. */
  repeat: number;
  /** Sleep of backends b1, b2, b3 for `GET /`. */
  delays: [DelayRange, DelayRange, DelayRange];
  /**
   * Requests each backend serves at once (its worker pool); the excess queues inside the
   * backend, first come first served. Absent: unlimited.
   */
  maxConcurrency?: number;
  /**
   * `auto`: FastAPI under uvicorn when importable, else the Node backend. `node`: always the Node
   * backend, for zero-delay runs where uvicorn would be the bottleneck instead of the proxy.
   */
  backend: 'auto' | 'node';
}
