import { LbError } from '../../src/errors';
import { computeLayout, LAYOUT_VERSION } from '../../src/shared/layout';
import { SharedState } from '../../src/shared/state';
import { testDims } from '../fixtures/helpers';

describe('attach: a worker refuses a buffer laid out by another version', () => {
  test('a buffer from this build attaches and sees the primary writes', () => {
    const primary = SharedState.create(testDims(), 7);
    const worker = SharedState.attach(primary.buffer, testDims());
    primary.store('rrCursor', 0, 42);
    expect(worker.load('permitCapacity')).toBe(7);
    expect(worker.load('rrCursor')).toBe(42);
  });

  test.each([
    ['an older version', LAYOUT_VERSION - 1],
    ['a newer version', LAYOUT_VERSION + 1],
  ])('%s gives LB_ERR_LAYOUT_MISMATCH', (_name, version) => {
    const primary = SharedState.create(testDims(), 7);
    primary.store('version', 0, version);
    let caught: unknown;
    try {
      SharedState.attach(primary.buffer, testDims());
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(LbError);
    expect((caught as LbError).code).toBe('LB_ERR_LAYOUT_MISMATCH');
    expect((caught as LbError).details).toEqual({ expected: LAYOUT_VERSION, received: version });
  });

  test('a zeroed buffer of the right size is refused', () => {
    const buffer = new SharedArrayBuffer(computeLayout(testDims()).byteLength);
    expect(() => SharedState.attach(buffer, testDims())).toThrow(
      expect.objectContaining({ code: 'LB_ERR_LAYOUT_MISMATCH' }),
    );
  });
});
