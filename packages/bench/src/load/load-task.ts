import { ConnectionMode } from '../scenarios/scenario';

/** One closed-loop client: where it connects and from which loopback source address. */
export interface ClientPlan {
  port: number;
  /** 127.0.0.x, so ip-hash sees many clients and close mode does not run out of ports. */
  localAddress: string;
}

/** The measurement window, as wall-clock epoch milliseconds shared by all threads. */
export interface LoadWindow {
  /** Clients start sending. */
  startAt: number;
  /** Requests sent from here on are measured; earlier ones are warm-up. */
  measureFrom: number;
  /** Clients stop; a request still in flight is dropped, not counted. */
  endAt: number;
}

/** Closed loop: this thread's clients, each sending its next request when the last one ends. */
export interface ClosedLoopShare {
  kind: 'closed';
  clients: ClientPlan[];
}

/**
 * Open loop: request k of the run is due at `startAt + k / rate`, whatever came back. Thread t of
 * n sends requests t, t + n, t + 2n, ..., spreading its own over `ports` in turn.
 */
export interface OpenLoopShare {
  kind: 'open';
  /** Requests per second over all threads together. */
  rate: number;
  /** This thread's index, from 0. */
  thread: number;
  /** Load threads in the run. */
  threads: number;
  ports: number[];
  /** Connections this thread may hold at once: its share of `--concurrency`. */
  maxConnections: number;
}

/** What one piscina task (one worker thread) runs. */
export interface LoadTask {
  load: ClosedLoopShare | OpenLoopShare;
  path: string;
  connection: ConnectionMode;
  window: LoadWindow;
  /** A request that takes longer counts as an error `timeout`, milliseconds. */
  requestTimeoutMs: number;
  /** This thread's share of a cap on requests in flight (`direct-capped`); none when absent. */
  maxInFlight?: number;
}

/** Open-loop counts of one thread, for requests due inside the measured window. */
export interface OpenLoopCounts {
  /** Requests whose intended send time fell inside the measured window. */
  scheduled: number;
  /** Of those, requests that found no free connection (or gate place) and waited for one. */
  late: number;
  /**
   * Longest delay between a request's intended send time and the generator getting to it,
   * before any wait for a connection, ms. More than a few ms: the generator itself fell behind.
   */
  maxLagMs: number;
}

/** What one task sends back; counts cover the measured window only. */
export interface LoadTaskResult {
  /** hdr-histogram-js, microseconds, `encodeIntoCompressedBase64`. */
  histogram: string;
  requests: number;
  errors: number;
  errorKinds: Record<string, number>;
  /** Successful responses per `x-backend-id`. */
  backends: Record<string, number>;
  /** Present in open-loop runs. */
  openLoop?: OpenLoopCounts;
}
