import { AdminState, type RunningBalancer } from '@lb/core';
import {
  countBy,
  expectIdle,
  openClient,
  startBackends,
  startL4,
  type Client,
  type TestBackend,
} from './helpers';

describe('least connections reads the shared counters', () => {
  let backends: TestBackend[];
  let lb: RunningBalancer;

  beforeAll(async () => {
    backends = await startBackends(3);
  });
  afterAll(async () => {
    await Promise.all(backends.map((b) => b.close()));
  });

  it.each([1, 2])(
    'with 10 held on A, new connections go to B and C until even (%i workers)',
    async (workers) => {
      lb = await startL4({
        workers,
        algorithm: 'least-connections',
        backends: backends.map((b) => ({ address: b.address, id: b.id })),
      });
      const state = lb.supervisor.state;
      const setAdmin = (slot: number, value: number) => state.store('backendAdmin', slot, value);

      // Only A is enabled while the first 10 connect, so all 10 are held on A.
      setAdmin(1, AdminState.Disabled);
      setAdmin(2, AdminState.Disabled);
      const held: Client[] = [];
      for (let i = 0; i < 10; i++) held.push(openClient(lb.port));
      expect(await Promise.all(held.map((c) => c.backendId))).toEqual(Array(10).fill('b1'));
      setAdmin(1, AdminState.Enabled);
      setAdmin(2, AdminState.Enabled);

      // The next 20 even out B and C against A; then all three share.
      const next: Client[] = [];
      for (let i = 0; i < 20; i++) {
        next.push(openClient(lb.port));
        await next[i]!.backendId;
      }
      expect(countBy(await Promise.all(next.map((c) => c.backendId)))).toEqual({ b2: 10, b3: 10 });
      const last: Client[] = [];
      for (let i = 0; i < 3; i++) {
        last.push(openClient(lb.port));
        await last[i]!.backendId;
      }
      expect(countBy(await Promise.all(last.map((c) => c.backendId)))).toEqual({
        b1: 1,
        b2: 1,
        b3: 1,
      });
      expect(backends.map((b) => b.current)).toEqual([11, 11, 11]);

      for (const c of [...held, ...next, ...last]) c.socket.end();
      await Promise.all([...held, ...next, ...last].map((c) => c.closed));
      await expectIdle(lb);
      await lb.stop(1000);
    },
  );
});
