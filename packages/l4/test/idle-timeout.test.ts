import { expectIdle, openClient, startBackends, startL4 } from './helpers';

describe('idle timeout', () => {
  it('closes a relayed connection with no traffic either way, and keeps a busy one', async () => {
    const [backend] = await startBackends(1);
    const lb = await startL4({ timeouts: { idleMs: 400 }, backends: [backend!.address] });
    const quiet = openClient(lb.port);
    const busy = openClient(lb.port);
    await Promise.all([quiet.backendId, busy.backendId]);

    // The busy client talks every 100 ms for 1.2 s: three idle periods without a gap.
    for (let i = 0; i < 12; i++) {
      busy.socket.write(`tick ${i}\n`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(quiet.socket.destroyed).toBe(true);
    expect(busy.socket.destroyed).toBe(false);
    expect(busy.received()).toContain('tick 11');
    busy.socket.end();
    await Promise.all([quiet.closed, busy.closed]);
    await expectIdle(lb);
    await lb.stop(1000);
    await backend!.close();
  });
});
