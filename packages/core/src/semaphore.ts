import { LbError } from './errors';
import type { SharedState } from './shared/state';

/**
 * A counting semaphore shared by every worker, with one queue ordered by priority class, then
 * arrival. It caps concurrent work across the whole process: `maxConnections` permits in all.
 *
 * Fast path: a compare-and-swap on the free count, taken only when nobody of an equal or higher
 * class waits in any worker, so a newcomer never jumps the queue (no barging). Slow path: the
 * waiter writes a record into a shared table and sleeps; whoever frees a permit, or enqueues,
 * runs `pumpQueue`, which hands free permits straight to the best waiting records.
 * Trade-off: a grant scans the table (O(maxQueue)), paid only while people queue; at 1000
 * records the scan costs about a microsecond, small beside the wait it ends.
 *
 * Each worker waits on its own doorbell word, not on its records, so there is one pending
 * `Atomics.waitAsync` per worker however many connections it has queued.
 */
export const QueueSlot = { Free: 0, Reserved: 1, Waiting: 2, Granted: 3 } as const;

/**
 * A record word: bits 0-1 state, 2-3 class, 4-11 owner worker, 12-31 generation. Every change
 * is one CAS on the whole word, and each claim bumps the generation, so a grant that read a
 * record before it was cancelled and reused fails its CAS instead of granting the newcomer
 * under the old record's class.
 */
const STATE_BITS = 0b11;
export const recordWord = (state: number, cls: number, owner: number, gen: number): number =>
  state | (cls << 2) | (owner << 4) | ((gen & 0xfffff) << 12);
export const recordState = (word: number): number => word & STATE_BITS;
export const recordClass = (word: number): number => (word >>> 2) & 0b11;
export const recordOwner = (word: number): number => (word >>> 4) & 0xff;
const recordGen = (word: number): number => word >>> 12;
const withState = (word: number, state: number): number => (word & ~STATE_BITS) | state;

/** Classes and workers must fit their bits in a record word. */
export const MAX_CLASSES = 4;
export const MAX_WORKERS = 256;

export interface QueueOptions {
  /** Waiters the whole process may hold; a newcomer beyond it is refused at once. */
  maxQueue: number;
  /** How long one waiter may wait for a permit, in milliseconds. */
  timeoutMs: number;
}

/** Called once per queued request: with null when a permit is held, else with the reason. */
export type GrantCallback = (err: LbError | null) => void;

/** A queued request; `cancel()` leaves the queue (a permit granted meanwhile is given back). */
export interface QueueTicket {
  cancel(): void;
}

interface LocalWaiter {
  slot: number;
  /** The record word as Waiting; a CAS from it fails once the record was granted. */
  word: number;
  done: GrantCallback;
  timer: NodeJS.Timeout;
}

/**
 * Pumps free permits to waiting records until one of the two runs out. Safe to run from any
 * thread, the primary included, and concurrently: every transfer is a CAS on the record.
 */
export function pumpQueue(state: SharedState): void {
  for (let misses = 0; misses < 16;) {
    if (!anyWaiting(state)) return;
    if (!takeFree(state)) return;
    if (grantBest(state)) continue;
    // No record could take the permit; give it back. A waiter that enqueued after our scan ran
    // its own pump before seeing this permit, so look again rather than strand it. The bound
    // covers a count that is ahead of its record for an instant; the primary's periodic pump
    // catches anything left after it.
    state.add('permitsFree', 0, 1);
    misses++;
  }
}

function anyWaiting(state: SharedState): boolean {
  for (let c = 0; c < state.dims.classes; c++) if (state.load('queueWaiting', c) > 0) return true;
  return false;
}

function takeFree(state: SharedState): boolean {
  const i = state.index('permitsFree');
  for (let free = Atomics.load(state.i32, i); free > 0; free = Atomics.load(state.i32, i)) {
    if (Atomics.compareExchange(state.i32, i, free, free - 1) === free) return true;
  }
  return false;
}

/** Grants the held permit to the best waiting record: lowest class, then earliest arrival. */
function grantBest(state: SharedState): boolean {
  const base = state.index('queueRecord');
  for (let attempt = 0; attempt < 8; attempt++) {
    const slot = findBest(state);
    if (slot < 0) return false;
    const word = Atomics.load(state.i32, base + slot);
    if (recordState(word) !== QueueSlot.Waiting) continue;
    if (
      Atomics.compareExchange(state.i32, base + slot, word, withState(word, QueueSlot.Granted)) !==
      word
    ) {
      continue; // cancelled, reused or granted by someone else since the scan
    }
    state.add('queueWaiting', recordClass(word), -1);
    // Who writes: this thread (the doorbell's value). Who waits: the owner worker, on the value
    // it read before scanning its records. The add comes after the Granted CAS, so an owner
    // that missed the record sees a changed doorbell and scans again: no wakeup is lost.
    const owner = recordOwner(word);
    state.add('doorbell', owner, 1);
    Atomics.notify(state.i32, state.index('doorbell', owner));
    return true;
  }
  return false;
}

function findBest(state: SharedState): number {
  let best = -1;
  let bestClass = 0;
  let bestArrival = 0;
  for (let s = 0; s < state.dims.queueSlots; s++) {
    const word = state.load('queueRecord', s);
    if (recordState(word) !== QueueSlot.Waiting) continue;
    const cls = recordClass(word);
    const arrival = state.load('queueArrival', s);
    // Arrival numbers wrap at 2^31; compare by signed difference.
    if (best < 0 || cls < bestClass || (cls === bestClass && ((arrival - bestArrival) | 0) < 0)) {
      best = s;
      bestClass = cls;
      bestArrival = arrival;
    }
  }
  return best;
}

/** One worker's handle on the shared semaphore. Call from that worker's thread only. */
export class Semaphore {
  private readonly waiters = new Map<number, LocalWaiter>();
  private doorbellArmed = false;
  private slotHint: number;

  constructor(
    private readonly state: SharedState,
    private readonly worker: number,
    private readonly options: QueueOptions,
  ) {
    if (worker >= MAX_WORKERS || state.dims.classes > MAX_CLASSES) {
      throw new RangeError(
        `a queue record holds at most ${MAX_WORKERS} workers and ${MAX_CLASSES} classes`,
      );
    }
    this.slotHint = (worker * 97) % Math.max(1, state.dims.queueSlots);
  }

  /** Takes a permit now if one is free and nobody of class `cls` or higher is waiting. */
  tryAcquire(cls: number): boolean {
    for (let c = 0; c <= cls; c++) if (this.state.load('queueWaiting', c) > 0) return false;
    if (!takeFree(this.state)) return false;
    this.state.add('permitsHeld', this.worker, 1);
    return true;
  }

  /**
   * Queues for a permit. `done` runs exactly once, asynchronously: with null when the permit is
   * held (release it later), or with LB_ERR_QUEUE_FULL / LB_ERR_QUEUE_TIMEOUT.
   */
  enqueue(cls: number, done: GrantCallback): QueueTicket | null {
    if (!this.reserveQueuePlace()) {
      this.state.add64('queueOverflows', 0, 1);
      const err = new LbError('LB_ERR_QUEUE_FULL', { maxQueue: this.options.maxQueue });
      queueMicrotask(() => done(err));
      return null;
    }
    const { slot, reserved } = this.claimSlot(cls);
    this.state.store('queueArrival', slot, this.state.add('queueSeq', 0, 1));
    const word = withState(reserved, QueueSlot.Waiting);
    // Record first, then the count: a pump that sees the count can always find the record.
    this.state.store('queueRecord', slot, word);
    this.state.add('queueWaiting', cls, 1);

    const timer = setTimeout(() => this.expire(slot), this.options.timeoutMs);
    this.waiters.set(slot, { slot, word, done, timer });
    this.armDoorbell();
    pumpQueue(this.state);
    return { cancel: () => this.cancel(slot) };
  }

  /** Returns one permit held by this worker and hands it on to the queue. */
  release(): void {
    this.state.add('permitsHeld', this.worker, -1);
    this.state.add('permitsFree', 0, 1);
    pumpQueue(this.state);
  }

  /** Waiters of this worker still queued. */
  get queued(): number {
    return this.waiters.size;
  }

  private reserveQueuePlace(): boolean {
    const i = this.state.index('queueTotal');
    const limit = Math.min(this.options.maxQueue, this.state.dims.queueSlots);
    for (let n = Atomics.load(this.state.i32, i); n < limit; n = Atomics.load(this.state.i32, i)) {
      if (Atomics.compareExchange(this.state.i32, i, n, n + 1) === n) return true;
    }
    return false;
  }

  /**
   * A free record exists: queueTotal counts every record not Free and is below the table size.
   * The claim bumps the record's generation and names this worker, so reclaim can find it.
   */
  private claimSlot(cls: number): { slot: number; reserved: number } {
    const base = this.state.index('queueRecord');
    const size = this.state.dims.queueSlots;
    for (let k = 0; ; k++) {
      const slot = (this.slotHint + k) % size;
      const word = Atomics.load(this.state.i32, base + slot);
      if (recordState(word) !== QueueSlot.Free) continue;
      const reserved = recordWord(QueueSlot.Reserved, cls, this.worker, recordGen(word) + 1);
      if (Atomics.compareExchange(this.state.i32, base + slot, word, reserved) === word) {
        this.slotHint = (slot + 1) % size;
        return { slot, reserved };
      }
    }
  }

  /** Owner only: the record is Granted to us, so no other thread writes it now. */
  private freeSlot(waiter: LocalWaiter): void {
    this.state.store('queueRecord', waiter.slot, withState(waiter.word, QueueSlot.Free));
    this.state.add('queueTotal', 0, -1);
  }

  /** Leaves the queue: Waiting -> Free by CAS; if a grant won the race, the permit is ours. */
  private withdraw(waiter: LocalWaiter): boolean {
    const i = this.state.index('queueRecord', waiter.slot);
    const free = withState(waiter.word, QueueSlot.Free);
    if (Atomics.compareExchange(this.state.i32, i, waiter.word, free) !== waiter.word) return false;
    this.state.add('queueWaiting', recordClass(waiter.word), -1);
    this.state.add('queueTotal', 0, -1);
    return true;
  }

  private expire(slot: number): void {
    const waiter = this.waiters.get(slot);
    if (!waiter) return;
    this.waiters.delete(slot);
    if (this.withdraw(waiter)) {
      this.state.add64('queueTimeouts', 0, 1);
      waiter.done(new LbError('LB_ERR_QUEUE_TIMEOUT', { timeoutMs: this.options.timeoutMs }));
      return;
    }
    this.takeGrant(waiter);
  }

  private cancel(slot: number): void {
    const waiter = this.waiters.get(slot);
    if (!waiter) return;
    this.waiters.delete(slot);
    clearTimeout(waiter.timer);
    if (this.withdraw(waiter)) return;
    // Granted in the meantime: accept the permit and give it straight back.
    this.freeSlot(waiter);
    this.state.add('permitsHeld', this.worker, 1);
    this.release();
  }

  private takeGrant(waiter: LocalWaiter): void {
    clearTimeout(waiter.timer);
    this.freeSlot(waiter);
    this.state.add('permitsHeld', this.worker, 1);
    waiter.done(null);
  }

  private armDoorbell(): void {
    if (this.doorbellArmed) return;
    this.doorbellArmed = true;
    this.listen();
  }

  /**
   * Who writes the doorbell: any thread that grants one of our records. Who waits: this worker,
   * on the value read *before* it scans its records, so a grant that lands after the scan
   * changes the word and the wait returns at once ('not-equal'). No wakeup can be lost.
   */
  private listen(): void {
    const seen = this.state.load('doorbell', this.worker);
    this.collectGrants();
    if (this.waiters.size === 0) {
      this.doorbellArmed = false;
      return;
    }
    const index = this.state.index('doorbell', this.worker);
    const result = Atomics.waitAsync(this.state.i32, index, seen);
    if (result.async) void result.value.then(() => this.listen());
    else queueMicrotask(() => this.listen());
  }

  private collectGrants(): void {
    for (const waiter of this.waiters.values()) {
      if (
        this.state.load('queueRecord', waiter.slot) !== withState(waiter.word, QueueSlot.Granted)
      ) {
        continue;
      }
      this.waiters.delete(waiter.slot);
      this.takeGrant(waiter);
    }
  }
}

/**
 * Primary only, after a worker's `exit` event: returns every permit and queue record the dead
 * worker held. Its records can no longer change by its own hand; a grant racing with us fails
 * or succeeds as one CAS, and we re-read the record when ours loses.
 */
export function reclaimWorkerPermits(state: SharedState, worker: number): number {
  let returned = 0;
  const base = state.index('queueRecord');
  for (let slot = 0; slot < state.dims.queueSlots; slot++) {
    const word = state.load('queueRecord', slot);
    const s = recordState(word);
    if (s === QueueSlot.Free || recordOwner(word) !== worker) continue;
    if (
      Atomics.compareExchange(state.i32, base + slot, word, withState(word, QueueSlot.Free)) !==
      word
    ) {
      slot--; // a grant moved it from Waiting to Granted; look at it again
      continue;
    }
    state.add('queueTotal', 0, -1);
    if (s === QueueSlot.Waiting) state.add('queueWaiting', recordClass(word), -1);
    if (s === QueueSlot.Granted) returned++;
  }
  returned += Atomics.exchange(state.i32, state.index('permitsHeld', worker), 0);
  state.add('permitsFree', 0, returned);
  state.store('doorbell', worker, 0);
  pumpQueue(state);
  return returned;
}
