/** Something with a deadline (Date.now() ms, 0 for none) and what to do when it passes. */
export interface Expiring {
  readonly deadline: number;
  expire(now: number): void;
}

/**
 * One interval per worker checks every registered deadline, instead of one timer per connection
 * and per request. Trade-off: a timeout fires up to `periodMs` late; at 100 ms and 10 000
 * connections a sweep costs about 50 µs, ten times a second, while arming a deadline is a plain
 * field write on the hot path.
 */
export class Sweeper {
  private readonly items = new Set<Expiring>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly periodMs = 100) {}

  add(item: Expiring): void {
    this.items.add(item);
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.sweep(), this.periodMs);
      // Sockets keep the worker alive; the sweep alone must not.
      this.timer.unref();
    }
  }

  delete(item: Expiring): void {
    this.items.delete(item);
  }

  private sweep(): void {
    const now = Date.now();
    for (const item of this.items) {
      if (item.deadline !== 0 && item.deadline <= now) item.expire(now);
    }
  }
}
