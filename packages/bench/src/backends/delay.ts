/** How long a backend sleeps before answering `GET /`: uniform in [minMs, maxMs]. */
export interface DelayRange {
  /** Shortest sleep, milliseconds. */
  minMs: number;
  /** Longest sleep, milliseconds. */
  maxMs: number;
}

/** One backend of a scenario: its id (stamped in `x-backend-id`) and its sleep. */
export interface BackendSpec {
  id: string;
  delay: DelayRange;
}

export function pickDelayMs(range: DelayRange, random: () => number = Math.random): number {
  return range.minMs + (range.maxMs - range.minMs) * random();
}
