import type { SharedState } from '../shared/state';

/**
 * Claim records for accepted connections on their way from the primary to a worker. An fd in a
 * message nobody reads would leak, so each handoff has a record: the primary writes the fd and
 * marks it Pending; the worker flips Pending -> Taken before wrapping the fd; after a worker dies
 * the primary flips its Pending records to Free and closes those fds. Exactly one side owns each
 * fd at every moment, so nothing is closed twice and nothing is left open.
 */
export const Claim = { Free: 0, Pending: 1, Taken: 2 } as const;

export class HandoffSlots {
  private next = 0;

  constructor(private readonly state: SharedState) {}

  /** Primary: records `fd` for `worker`; returns the slot, or -1 when every record is in use. */
  put(fd: number, worker: number): number {
    const size = this.state.dims.handoffSlots;
    const base = this.state.index('handoffState');
    for (let k = 0; k < size; k++) {
      const slot = (this.next + k) % size;
      if (Atomics.load(this.state.i32, base + slot) !== Claim.Free) continue;
      this.state.store('handoffFd', slot, fd);
      this.state.store('handoffWorker', slot, worker);
      Atomics.store(this.state.i32, base + slot, Claim.Pending);
      this.next = (slot + 1) % size;
      return slot;
    }
    return -1;
  }

  /** Primary, after `worker` exited: returns the fds it never took, now owned by the caller. */
  reclaim(worker: number): number[] {
    const fds: number[] = [];
    const base = this.state.index('handoffState');
    for (let slot = 0; slot < this.state.dims.handoffSlots; slot++) {
      if (this.state.load('handoffWorker', slot) !== worker) continue;
      if (
        Atomics.compareExchange(this.state.i32, base + slot, Claim.Pending, Claim.Free) ===
        Claim.Pending
      ) {
        fds.push(this.state.load('handoffFd', slot));
      }
    }
    return fds;
  }
}

/** Worker: takes the fd in `slot`, or returns -1 if the primary already reclaimed it. */
export function takeHandoff(state: SharedState, slot: number): number {
  const i = state.index('handoffState', slot);
  if (Atomics.compareExchange(state.i32, i, Claim.Pending, Claim.Taken) !== Claim.Pending)
    return -1;
  const fd = state.load('handoffFd', slot);
  Atomics.store(state.i32, i, Claim.Free);
  return fd;
}
