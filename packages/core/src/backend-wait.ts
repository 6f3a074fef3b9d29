/** Work that holds a permit and waits for room on a backend. */
export interface RoomWaiter {
  /** Picks again; leaves the wait list itself once it has a backend or has given up. */
  retryPick(): void;
}

/** While requests wait, picks are retried this often, for room freed by other workers. */
const POLL_MS = 10;

/**
 * The connections (L4) or requests (L7) of one worker that found every eligible backend at its
 * `maxConnections`, in arrival order (HAProxy's per-server `maxconn` queues the same way). A
 * backend count released in this worker retries them at once, oldest first; a release in
 * another worker is not signalled, so a timer retries every POLL_MS while any wait. Trade-off:
 * across workers the order is only approximately first come first served, and a waiter may see
 * room up to 10 ms late; each waiter bounds its wait by `queueTimeoutMs`.
 */
export class BackendWaitList {
  private readonly waiting: RoomWaiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private waking = false;

  get size(): number {
    return this.waiting.length;
  }

  add(waiter: RoomWaiter): void {
    if (this.waiting.includes(waiter)) return;
    this.waiting.push(waiter);
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.wake(), POLL_MS);
      this.timer.unref();
    }
  }

  delete(waiter: RoomWaiter): void {
    const at = this.waiting.indexOf(waiter);
    if (at !== -1) this.waiting.splice(at, 1);
    if (this.waiting.length === 0 && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Room may have opened: the oldest waiters pick again until one still finds none. */
  wake(): void {
    if (this.waking) return; // a retry that releases a backend count must not recurse
    this.waking = true;
    try {
      while (this.waiting.length > 0) {
        const head = this.waiting[0]!;
        head.retryPick();
        if (this.waiting[0] === head) break;
      }
    } finally {
      this.waking = false;
    }
  }
}
