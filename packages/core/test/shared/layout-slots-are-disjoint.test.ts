import { computeLayout, SLOTS, type LayoutDims } from '../../src/shared/layout';
import { SharedState } from '../../src/shared/state';

const DIMS: [string, LayoutDims][] = [
  ['one of everything', { workers: 1, backends: 1, classes: 1, queueSlots: 1, handoffSlots: 1 }],
  ['typical', { workers: 4, backends: 64, classes: 3, queueSlots: 1000, handoffSlots: 4096 }],
  ['odd sizes', { workers: 7, backends: 3, classes: 5, queueSlots: 13, handoffSlots: 9 }],
  ['large', { workers: 64, backends: 256, classes: 3, queueSlots: 65536, handoffSlots: 4096 }],
];

/** [start, end) of each slot in its own width's index space. */
function ranges(dims: LayoutDims, width: 'i32' | 'i64'): [string, number, number][] {
  const layout = computeLayout(dims);
  return SLOTS.filter((s) => s.width === width).map((s) => {
    const start = layout.offsets[s.name];
    return [s.name, start, start + s.count(dims)];
  });
}

describe('layout: every slot has its own range inside the buffer', () => {
  test.each(DIMS)('%s: ranges of one width do not overlap', (_name, dims) => {
    for (const width of ['i32', 'i64'] as const) {
      const sorted = ranges(dims, width).sort((a, b) => a[1] - b[1]);
      for (let k = 1; k < sorted.length; k++) {
        expect(sorted[k]![1]).toBeGreaterThanOrEqual(sorted[k - 1]![2]);
      }
    }
  });

  test.each(DIMS)(
    '%s: every range ends inside its view and the views fill the buffer',
    (_n, dims) => {
      const layout = computeLayout(dims);
      for (const [, start, end] of ranges(dims, 'i32')) {
        expect(start).toBeGreaterThanOrEqual(0);
        expect(end).toBeLessThanOrEqual(layout.i32Length);
      }
      for (const [, start, end] of ranges(dims, 'i64')) {
        expect(start).toBeGreaterThanOrEqual(0);
        expect(end).toBeLessThanOrEqual(layout.i64Length);
      }
      expect(layout.byteLength).toBe(layout.i64Length * 8 + layout.i32Length * 4);
    },
  );

  test.each(DIMS)('%s: writing the last index of every slot touches no other slot', (_n, dims) => {
    const state = SharedState.create(dims, 5);
    const before32 = Array.from(state.i32);
    const before64 = Array.from(state.i64);
    const layout = computeLayout(dims);
    for (const slot of SLOTS) {
      const last = layout.offsets[slot.name] + slot.count(dims) - 1;
      if (slot.width === 'i32') state.i32[last] = -7;
      else state.i64[last] = -7n;
    }
    const touched32 = state.i32.reduce((n, v, i) => n + (v !== before32[i] ? 1 : 0), 0);
    const touched64 = state.i64.reduce((n, v, i) => n + (v !== before64[i] ? 1 : 0), 0);
    expect(touched32).toBe(SLOTS.filter((s) => s.width === 'i32').length);
    expect(touched64).toBe(SLOTS.filter((s) => s.width === 'i64').length);
  });

  test('the 32-bit view starts after the 64-bit view and both end inside the buffer', () => {
    const state = SharedState.create(DIMS[2]![1], 5);
    expect(state.i32.byteOffset).toBe(state.i64.byteOffset + state.i64.byteLength);
    expect(state.i32.byteOffset + state.i32.byteLength).toBe(state.buffer.byteLength);
  });
});
