import { splitLimit } from '../peers/split-limit';
import { ClientConnection, RequestTicket, sourceAddress } from './client-connection';
import { ClientSettings } from './closed-loop-client';
import { OpenLoopCounts, OpenLoopShare } from './load-task';
import { PortConnections } from './port-connections';
import { ResultSink } from './result-sink';

/**
 * One load thread's part of an open-loop run. Request k of the run is due at
 * `startAt + k / rate` on the thread's monotonic clock, whether or not earlier ones came back;
 * its latency runs from that intended time, so a wait for a free connection, a slow timer or a
 * stalled target all count (no coordinated omission). Worked number: at 200 req/s over 2 threads
 * thread 0 sends k = 0, 2, 4, ... at 0, 10, 20 ms after `startAt`, and a 1.5 s window holds
 * exactly 300 due requests in all.
 *
 * Requests due inside the window are recorded whenever they end, up to `requestTimeoutMs` after
 * it: cutting them off at the window's end would drop exactly the slow ones. Until they have all
 * ended the schedule goes on, unrecorded, so they finish under the same load.
 * Trade-off: one timer per batch, so requests due within the same millisecond leave together.
 */
export class OpenLoopRunner {
  private readonly pools: PortConnections[];
  private readonly counts: OpenLoopCounts = { scheduled: 0, late: 0, maxLagMs: 0 };
  private readonly startHr: bigint;
  private readonly measureHr: bigint;
  private readonly endHr: bigint;
  private readonly recordUntil: number;
  private next: number;
  private opened = 0;
  /** Recorded requests dispatched and not yet ended. */
  private outstanding = 0;
  private windowClosed = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private tickTimer: NodeJS.Timeout | undefined;
  private finish: () => void = () => undefined;

  constructor(
    private readonly share: OpenLoopShare,
    private readonly settings: ClientSettings,
    private readonly sink: ResultSink,
  ) {
    // The window is in epoch ms, shared by all threads; the schedule runs on hrtime, so a
    // request's latency and its send time come from the same clock.
    const hrNow = process.hrtime.bigint();
    const wallNow = Date.now();
    const toHr = (wall: number) => hrNow + BigInt(Math.round((wall - wallNow) * 1e6));
    this.startHr = toHr(settings.window.startAt);
    this.measureHr = toHr(settings.window.measureFrom);
    this.endHr = toHr(settings.window.endAt);
    this.recordUntil = settings.window.endAt + settings.requestTimeoutMs;
    this.next = share.thread;
    // At least one connection per port: a cap below the port count (direct has 3) rises to it.
    const capacities = splitLimit(share.maxConnections, share.ports.length);
    this.pools = share.ports.map(
      (port, i) => new PortConnections(Math.max(1, capacities[i]!), () => this.connect(port)),
    );
  }

  /** Sends on schedule until the window's requests have ended; resolves with the counts. */
  run(): Promise<OpenLoopCounts> {
    return new Promise((resolve) => {
      this.finish = () => resolve(this.stop());
      this.tick();
      this.after(this.settings.window.endAt, () => {
        this.windowClosed = true;
        this.finishIfDrained();
      });
      this.after(this.recordUntil, () => this.finish());
    });
  }

  private after(epochMs: number, run: () => void): void {
    this.timers.push(setTimeout(run, Math.max(0, epochMs - Date.now())));
  }

  // Done once the window closed, every request due in it went out, and all of those ended.
  private finishIfDrained(): void {
    const allSent = this.intendedAt(this.next) >= this.endHr;
    if (this.windowClosed && allSent && this.outstanding === 0) this.finish();
  }

  private stop(): OpenLoopCounts {
    this.finish = () => undefined;
    for (const timer of [...this.timers, this.tickTimer]) clearTimeout(timer);
    for (const pool of this.pools) pool.close();
    return this.counts;
  }

  private intendedAt(k: number): bigint {
    return this.startHr + BigInt(Math.round((k * 1e9) / this.share.rate));
  }

  private tick(): void {
    const now = process.hrtime.bigint();
    while (this.intendedAt(this.next) <= now) {
      this.dispatch(this.next, this.intendedAt(this.next));
      this.next += this.share.threads;
    }
    const waitMs = Number(this.intendedAt(this.next) - process.hrtime.bigint()) / 1e6;
    this.tickTimer = setTimeout(() => this.tick(), Math.max(0, waitMs));
  }

  private dispatch(k: number, clockFrom: bigint): void {
    const sequence = (k - this.share.thread) / this.share.threads;
    const pool = this.pools[sequence % this.pools.length]!;
    const recorded = clockFrom >= this.measureHr && clockFrom < this.endHr;
    let late = false;
    const markLate = () => {
      if (recorded && !late) this.counts.late++;
      late = true;
    };
    if (recorded) {
      this.counts.scheduled++;
      this.outstanding++;
      const lagMs = Number(process.hrtime.bigint() - clockFrom) / 1e6;
      this.counts.maxLagMs = Math.max(this.counts.maxLagMs, lagMs);
    }

    const gate = this.settings.gate;
    const done = () => {
      gate?.leave();
      if (!recorded) return;
      this.outstanding--;
      this.finishIfDrained();
    };
    const ticket: RequestTicket = {
      clockFrom,
      recordUntil: recorded ? this.recordUntil : undefined,
      done,
    };
    const send = () => {
      if (!pool.submit(ticket)) markLate();
    };
    if (!gate) return send();
    if (!gate.enter(send)) markLate();
  }

  private connect(port: number): ClientConnection {
    const index = this.share.thread + this.share.threads * this.opened++;
    return new ClientConnection(
      { port, localAddress: sourceAddress(index) },
      this.settings,
      this.sink,
    );
  }
}
