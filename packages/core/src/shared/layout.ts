/**
 * The one declaration of everything the primary and the workers share. Each slot names a run of
 * 32-bit or 64-bit integers; offsets and the buffer size are derived from this list, so adding a
 * slot cannot leave two readers disagreeing about where another one lives.
 *
 * Bump LAYOUT_VERSION whenever the list changes meaning; a worker refuses to start on a buffer
 * whose version differs from the one it was compiled with.
 */
export const LAYOUT_VERSION = 5;

/** Sizes that fix the layout; chosen by the primary at start-up and never changed afterwards. */
export interface LayoutDims {
  /** Worker threads the buffer has room for. */
  workers: number;
  /** Backends the buffer has room for (ids are mapped to slots; a removed id frees nothing). */
  backends: number;
  /** Priority classes of the queue (0 is served first). */
  classes: number;
  /** Waiters the queue can hold at once (`maxQueue`). */
  queueSlots: number;
  /** Accepted connections that can be in flight from the primary to a worker at once. */
  handoffSlots: number;
}

type Width = 'i32' | 'i64';
interface SlotDecl {
  name: string;
  width: Width;
  count: (d: LayoutDims) => number;
}

const one = () => 1;

/** Every shared slot, in buffer order within its width. */
export const SLOTS = [
  { name: 'version', width: 'i32', count: one },
  // Semaphore: capacity, permits free now, permits each worker holds (reclaimed on its exit).
  { name: 'permitCapacity', width: 'i32', count: one },
  { name: 'permitsFree', width: 'i32', count: one },
  { name: 'permitsHeld', width: 'i32', count: (d) => d.workers },
  // Queue: waiters per class, all waiters, arrival sequence, and one record per waiting slot.
  { name: 'queueWaiting', width: 'i32', count: (d) => d.classes },
  { name: 'queueTotal', width: 'i32', count: one },
  { name: 'queueSeq', width: 'i32', count: one },
  // One word per record: state, class, owner and a generation, changed only by CAS on the whole
  // word (see semaphore.ts), so a record reused between a read and a CAS cannot be mistaken.
  { name: 'queueRecord', width: 'i32', count: (d) => d.queueSlots },
  { name: 'queueArrival', width: 'i32', count: (d) => d.queueSlots },
  { name: 'doorbell', width: 'i32', count: (d) => d.workers },
  // Balancing.
  { name: 'rrCursor', width: 'i32', count: one },
  { name: 'backendActive', width: 'i32', count: (d) => d.backends },
  { name: 'backendHeld', width: 'i32', count: (d) => d.workers * d.backends },
  { name: 'backendHealth', width: 'i32', count: (d) => d.backends },
  { name: 'backendAdmin', width: 'i32', count: (d) => d.backends },
  { name: 'backendFailStreak', width: 'i32', count: (d) => d.backends },
  { name: 'backendTotal', width: 'i64', count: (d) => d.backends },
  { name: 'backendFailures', width: 'i64', count: (d) => d.backends },
  { name: 'backendEjectedUntil', width: 'i64', count: (d) => d.backends },
  // Dispatch: open connections per worker, and claim records for fds in flight to a worker.
  { name: 'workerActive', width: 'i32', count: (d) => d.workers },
  // L7 client connections admitted under http.maxClientConnections: all workers (taken by CAS)
  // and each worker's share, which the primary gives back when a worker dies.
  { name: 'clientsAdmitted', width: 'i32', count: one },
  { name: 'clientsHeld', width: 'i32', count: (d) => d.workers },
  { name: 'handoffState', width: 'i32', count: (d) => d.handoffSlots },
  { name: 'handoffFd', width: 'i32', count: (d) => d.handoffSlots },
  { name: 'handoffWorker', width: 'i32', count: (d) => d.handoffSlots },
  // Totals for the admin view.
  { name: 'connectionsTotal', width: 'i64', count: one },
  { name: 'queueTimeouts', width: 'i64', count: one },
  { name: 'queueOverflows', width: 'i64', count: one },
] as const satisfies readonly SlotDecl[];

export type SlotName = (typeof SLOTS)[number]['name'];
type SlotsOf<W extends Width> = Extract<(typeof SLOTS)[number], { width: W }>['name'];
export type I32Slot = SlotsOf<'i32'>;
export type I64Slot = SlotsOf<'i64'>;

export interface Layout {
  dims: LayoutDims;
  /** Start index of each slot inside the Int32Array or BigInt64Array view of its width. */
  offsets: Record<SlotName, number>;
  i32Length: number;
  i64Length: number;
  /** Total bytes: the 64-bit region first (8-byte aligned), then the 32-bit region. */
  byteLength: number;
}

export function computeLayout(dims: LayoutDims): Layout {
  const offsets = {} as Record<SlotName, number>;
  const next: Record<Width, number> = { i32: 0, i64: 0 };
  for (const slot of SLOTS) {
    offsets[slot.name] = next[slot.width];
    next[slot.width] += slot.count(dims);
  }
  const byteLength = next.i64 * 8 + next.i32 * 4;
  return { dims, offsets, i32Length: next.i32, i64Length: next.i64, byteLength };
}
