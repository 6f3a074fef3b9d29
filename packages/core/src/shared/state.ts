import { LbError } from '../errors';
import { computeLayout, LAYOUT_VERSION, type I32Slot, type I64Slot, type Layout } from './layout';
import type { LayoutDims } from './layout';

/** Health of a backend as the checks see it. */
export const Health = { Down: 0, Up: 1 } as const;

/** What the operator asked of a backend, separate from its health. */
export const AdminState = { Enabled: 0, Draining: 1, Disabled: 2 } as const;
export type AdminStateName = 'enabled' | 'draining' | 'disabled';
export const ADMIN_STATE_NAMES: readonly AdminStateName[] = ['enabled', 'draining', 'disabled'];

/**
 * Typed access to the shared buffer. Every thread builds one over the same SharedArrayBuffer;
 * all reads and writes of shared slots go through Atomics so no thread sees a torn value.
 */
export class SharedState {
  readonly i32: Int32Array;
  readonly i64: BigInt64Array;
  readonly layout: Layout;

  private constructor(
    readonly buffer: SharedArrayBuffer,
    dims: LayoutDims,
  ) {
    this.layout = computeLayout(dims);
    this.i64 = new BigInt64Array(buffer, 0, this.layout.i64Length);
    this.i32 = new Int32Array(buffer, this.layout.i64Length * 8, this.layout.i32Length);
  }

  /** Primary only: a fresh buffer with every counter at zero and every backend up and enabled. */
  static create(dims: LayoutDims, permits: number): SharedState {
    const buffer = new SharedArrayBuffer(computeLayout(dims).byteLength);
    const state = new SharedState(buffer, dims);
    state.i32[state.index('version')] = LAYOUT_VERSION;
    state.i32[state.index('permitCapacity')] = permits;
    state.i32[state.index('permitsFree')] = permits;
    for (let b = 0; b < dims.backends; b++) state.i32[state.index('backendHealth', b)] = Health.Up;
    return state;
  }

  /** Workers: attach to the primary's buffer, refusing one laid out by another version. */
  static attach(buffer: SharedArrayBuffer, dims: LayoutDims): SharedState {
    const state = new SharedState(buffer, dims);
    const version = Atomics.load(state.i32, state.index('version'));
    if (version !== LAYOUT_VERSION) {
      throw new LbError('LB_ERR_LAYOUT_MISMATCH', { expected: LAYOUT_VERSION, received: version });
    }
    return state;
  }

  get dims(): LayoutDims {
    return this.layout.dims;
  }

  index(slot: I32Slot | I64Slot, i = 0): number {
    return this.layout.offsets[slot] + i;
  }

  load(slot: I32Slot, i = 0): number {
    return Atomics.load(this.i32, this.layout.offsets[slot] + i);
  }

  add(slot: I32Slot, i: number, delta: number): number {
    return Atomics.add(this.i32, this.layout.offsets[slot] + i, delta);
  }

  store(slot: I32Slot, i: number, value: number): void {
    Atomics.store(this.i32, this.layout.offsets[slot] + i, value);
  }

  load64(slot: I64Slot, i = 0): number {
    return Number(Atomics.load(this.i64, this.layout.offsets[slot] + i));
  }

  add64(slot: I64Slot, i: number, delta: number): void {
    // The common +1 uses a constant: BigInt(delta) allocates on every call.
    Atomics.add(this.i64, this.layout.offsets[slot] + i, delta === 1 ? ONE : BigInt(delta));
  }

  store64(slot: I64Slot, i: number, value: number): void {
    Atomics.store(this.i64, this.layout.offsets[slot] + i, BigInt(value));
  }

  /** Index of worker `w`'s count of active connections on backend slot `b`. */
  heldIndex(w: number, b: number): number {
    return w * this.dims.backends + b;
  }
}

const ONE = BigInt(1);
