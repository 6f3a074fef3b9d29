import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { AdminState, type RunningBalancer } from '@lb/core';
import { expectIdle, startBackends, startL4, whoAnswers, type TestBackend } from './helpers';

/** 127.0.0.0/8 is all loopback on Linux, so each test client can have its own address. */
const clientAddress = (i: number) => `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;

describe('ip hash keys on the client address only', () => {
  let backends: TestBackend[];
  const running: RunningBalancer[] = [];

  beforeAll(async () => {
    backends = await startBackends(3);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((lb) => lb.stop(1000)));
  });
  afterAll(async () => {
    await Promise.all(backends.map((b) => b.close()));
  });

  const start = async (workers = 2) => {
    const lb = await startL4({
      workers,
      algorithm: 'ip-hash',
      backends: backends.map((b) => ({ address: b.address, id: b.id })),
    });
    running.push(lb);
    return lb;
  };

  it('one client address always reaches the same backend, whatever its source port', async () => {
    const lb = await start();
    for (let i = 0; i < 12; i++) {
      const answers = new Set<string>();
      for (let k = 0; k < 5; k++) answers.add(await whoAnswers(lb.port, clientAddress(i)));
      expect(answers.size).toBe(1);
    }
    await expectIdle(lb);
  });

  it('removing a backend moves only the clients that were on it', async () => {
    const lb = await start();
    const before: string[] = [];
    for (let i = 0; i < 60; i++) before.push(await whoAnswers(lb.port, clientAddress(i)));
    expect(new Set(before).size).toBe(3);

    lb.supervisor.state.store('backendAdmin', 1, AdminState.Disabled); // b2 leaves
    const after: string[] = [];
    for (let i = 0; i < 60; i++) after.push(await whoAnswers(lb.port, clientAddress(i)));
    for (let i = 0; i < 60; i++) {
      if (before[i] === 'b2') expect(after[i]).not.toBe('b2');
      else expect(after[i]).toBe(before[i]);
    }
  });

  it('two separate balancers with the same config agree on every client', async () => {
    const [a, b] = [await start(1), await start(2)];
    for (let i = 0; i < 100; i++) {
      expect(await whoAnswers(b.port, clientAddress(i))).toBe(
        await whoAnswers(a.port, clientAddress(i)),
      );
    }
  });

  it('two separate balancer processes agree on 1000 addresses', () => {
    const script = join(__dirname, 'fixtures', 'ip-hash-picks.ts');
    const ids = backends.map((b) => b.id).join(',');
    const run = () =>
      execFileSync(process.execPath, ['--require', 'tsx/cjs', script, ids, '1000'], {
        encoding: 'utf8',
      });
    const first = JSON.parse(run()) as string[];
    const second = JSON.parse(run()) as string[];
    expect(first).toHaveLength(1000);
    expect(new Set(first).size).toBe(3);
    expect(second).toEqual(first);
  });
});
