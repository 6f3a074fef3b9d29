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

/** What one piscina task (one worker thread) runs. */
export interface LoadTask {
  clients: ClientPlan[];
  path: string;
  connection: ConnectionMode;
  window: LoadWindow;
  /** A request that takes longer counts as an error `timeout`, milliseconds. */
  requestTimeoutMs: number;
  /** This thread's share of a cap on requests in flight (`direct-capped`); none when absent. */
  maxInFlight?: number;
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
}
