/**
 * A first-come first-served cap on requests in flight inside one load thread: what an ideal
 * balancer with `maxConnections` permits and no cost of its own would do. `direct-capped` uses it
 * so the capped balancers have a like-for-like ceiling (same cap, same queueing), where plain
 * `direct` lets every client in at once. The built-in backend uses it as its worker pool.
 */
export class Gate {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly capacity: number) {}

  /**
   * Runs `go` now if a place is free, else when one frees, in arrival order.
   * @returns true when `go` ran at once, false when it had to wait.
   */
  enter(go: () => void): boolean {
    if (this.inFlight >= this.capacity) {
      this.waiting.push(go);
      return false;
    }
    this.inFlight++;
    go();
    return true;
  }

  /** Frees a place; the oldest waiter takes it at once. */
  leave(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight--;
  }
}
