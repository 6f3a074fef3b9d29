import { AdminState, Health, type SharedState } from './shared/state';

/** One address the balancer sends to. */
export interface Backend {
  /** Stable id; shared counters are keyed by it so they survive a reload. */
  id: string;
  host: string;
  port: number;
  /** Relative share of new work; 0 takes none. */
  weight: number;
  /** Most connections (L4) or requests (L7) this backend takes at once; 0 means no limit. */
  maxConnections: number;
  /** Index of this backend's counters in the shared buffer. */
  slot: number;
}

/**
 * The backends one worker balances over, with the shared counters behind them. `take` and
 * `release` keep the per-backend active count and this worker's share of it in step, so the
 * primary can return what a dead worker held.
 */
export class BackendSet {
  private readonly bySlot = new Map<number, Backend>();

  constructor(
    readonly state: SharedState,
    readonly worker: number,
    readonly list: readonly Backend[],
  ) {
    for (const b of list) this.bySlot.set(b.slot, b);
  }

  get(slot: number): Backend | undefined {
    return this.bySlot.get(slot);
  }

  /**
   * Some backend outside `exclude` is eligible: when a pick still finds none, they are all at
   * their `maxConnections`, and room will come back.
   */
  anyEligible(now: number, exclude?: ReadonlySet<number>): boolean {
    for (const b of this.list) {
      if (!exclude?.has(b.slot) && this.isEligible(b, now)) return true;
    }
    return false;
  }

  /** Up, enabled and not ejected by passive checks. `now` is Date.now(), passed in for tests. */
  isEligible(b: Backend, now: number): boolean {
    const s = this.state;
    return (
      b.weight > 0 &&
      s.load('backendHealth', b.slot) === Health.Up &&
      s.load('backendAdmin', b.slot) === AdminState.Enabled &&
      s.load64('backendEjectedUntil', b.slot) <= now
    );
  }

  active(b: Backend): number {
    return this.state.load('backendActive', b.slot);
  }

  /**
   * Counts one more unit of work on `b` if it is below its limit; `seen` is the active count the
   * caller read, so two workers cannot both take the last place (compare-and-swap).
   */
  tryTake(b: Backend, seen: number): boolean {
    if (b.maxConnections > 0 && seen >= b.maxConnections) return false;
    const i = this.state.index('backendActive', b.slot);
    if (Atomics.compareExchange(this.state.i32, i, seen, seen + 1) !== seen) return false;
    this.state.add('backendHeld', this.state.heldIndex(this.worker, b.slot), 1);
    this.state.add64('backendTotal', b.slot, 1);
    return true;
  }

  /** Takes `b` unless it is full, retrying the CAS while the count moves under us. */
  take(b: Backend): boolean {
    for (let attempt = 0; attempt < 64; attempt++) {
      const seen = this.active(b);
      if (b.maxConnections > 0 && seen >= b.maxConnections) return false;
      if (this.tryTake(b, seen)) return true;
    }
    return false;
  }

  release(b: Backend): void {
    this.state.add('backendHeld', this.state.heldIndex(this.worker, b.slot), -1);
    this.state.add('backendActive', b.slot, -1);
  }

  /** Real traffic reached `b`: its failure streak ends. */
  recordSuccess(b: Backend): void {
    if (this.state.load('backendFailStreak', b.slot) !== 0)
      this.state.store('backendFailStreak', b.slot, 0);
  }

  /**
   * Real traffic failed on `b`. After `maxFailures` in a row the backend is ejected until
   * `now + ejectMs`; returns true when this call did the ejecting (so one line is logged).
   */
  recordFailure(b: Backend, now: number, maxFailures: number, ejectMs: number): boolean {
    this.state.add64('backendFailures', b.slot, 1);
    const streak = this.state.add('backendFailStreak', b.slot, 1) + 1;
    if (maxFailures <= 0 || streak !== maxFailures) return false;
    this.state.store64('backendEjectedUntil', b.slot, now + ejectMs);
    this.state.store('backendFailStreak', b.slot, 0);
    return true;
  }
}

/** Primary only, after a worker exits: subtracts what it held from every backend's count. */
export function reclaimWorkerBackends(state: SharedState, worker: number): number {
  let total = 0;
  for (let b = 0; b < state.dims.backends; b++) {
    const n = Atomics.exchange(
      state.i32,
      state.index('backendHeld', state.heldIndex(worker, b)),
      0,
    );
    if (n !== 0) state.add('backendActive', b, -n);
    total += n;
  }
  return total;
}
