import {
  countBy,
  startBackends,
  startL4,
  whoAnswers,
  expectIdle,
  type TestBackend,
} from './helpers';
import type { RunningBalancer } from '@lb/core';

describe('round robin over one shared cursor', () => {
  let backends: TestBackend[];
  let lb: RunningBalancer | undefined;

  beforeAll(async () => {
    backends = await startBackends(3);
  });
  afterEach(async () => {
    await lb?.stop(1000);
    lb = undefined;
  });
  afterAll(async () => {
    await Promise.all(backends.map((b) => b.close()));
  });

  const cases = [
    { workers: 1, dispatch: 'shared', weights: [1, 1, 1], expected: [100, 100, 100] },
    { workers: 2, dispatch: 'shared', weights: [1, 1, 1], expected: [100, 100, 100] },
    { workers: 2, dispatch: 'handoff', weights: [1, 1, 1], expected: [100, 100, 100] },
    { workers: 1, dispatch: 'shared', weights: [1, 2, 3], expected: [50, 100, 150] },
    { workers: 2, dispatch: 'handoff', weights: [1, 2, 3], expected: [50, 100, 150] },
  ] as const;

  it.each(cases)(
    '300 sequential connections: $workers worker(s), $dispatch, weights $weights',
    async ({ workers, dispatch, weights, expected }) => {
      lb = await startL4({
        workers,
        dispatch,
        backends: backends.map((b, i) => ({ address: b.address, id: b.id, weight: weights[i]! })),
      });
      const answers: string[] = [];
      for (let i = 0; i < 300; i++) answers.push(await whoAnswers(lb.port));
      expect(countBy(answers)).toEqual({ b1: expected[0], b2: expected[1], b3: expected[2] });
      const stats = await expectIdle(lb);
      expect(stats.backends.map((b) => b.total)).toEqual([...expected]);
    },
  );
});
