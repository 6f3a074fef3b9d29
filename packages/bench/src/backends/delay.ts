/** How long a backend sleeps before answering `GET /`: uniform in [minMs, maxMs]. */
export interface DelayRange {
  /** Shortest sleep, milliseconds. */
  minMs: number;
  /** Longest sleep, milliseconds. */
  maxMs: number;
}

/** One backend of a scenario: its id (stamped in `x-backend-id`), its sleep and its pool. */
export interface BackendSpec {
  id: string;
  delay: DelayRange;
  /**
   * Most `GET /` sleeps served at once, like a server's fixed pool of request workers; the rest
   * wait inside the backend, first come first served. Absent or 0: unlimited.
   */
  maxConcurrency?: number;
}

export function pickDelayMs(range: DelayRange, random: () => number = Math.random): number {
  return range.minMs + (range.maxMs - range.minMs) * random();
}
