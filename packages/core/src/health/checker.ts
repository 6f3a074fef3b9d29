import { connect } from 'node:net';
import type { Backend } from '../backend';
import { formatHost } from '../config/load';
import { logEvent, type Logger } from '../log';
import { Health, type SharedState } from '../shared/state';

export interface HealthOptions {
  /** Between checks of one backend, ms; each wait gets up to 10 % random jitter. */
  intervalMs: number;
  /** Deadline of one probe, ms. */
  timeoutMs: number;
  /** Consecutive passes that bring a down backend up. */
  rise: number;
  /** Consecutive failures that take an up backend down. */
  fall: number;
}

/** One check of one backend: resolves null when it passed, or a short reason when it failed. */
export type Probe = (backend: Backend, timeoutMs: number) => Promise<string | null>;

/** TCP connect check: the backend passes when it accepts a connection in time. */
export const tcpProbe: Probe = (backend, timeoutMs) =>
  new Promise((resolve) => {
    const socket = connect({ host: backend.host, port: backend.port });
    const done = (reason: string | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reason);
    };
    const timer = setTimeout(() => done(`no connection within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => done(null));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
  });

/**
 * HTTP check for L7: `GET path` on a fresh connection; passes when the status line arrives in
 * time with a status in [lowest, highest]. Only the status line is read: the body is no concern
 * of a check, and waiting for it would let a slow body fail a healthy backend.
 */
export function httpProbe(path: string, expectStatus: readonly [number, number]): Probe {
  return (backend, timeoutMs) =>
    new Promise((resolve) => {
      const socket = connect({ host: backend.host, port: backend.port });
      let head = '';
      const done = (reason: string | null) => {
        clearTimeout(timer);
        socket.destroy();
        resolve(reason);
      };
      const timer = setTimeout(() => done(`no status line within ${timeoutMs} ms`), timeoutMs);
      socket.once('connect', () => {
        const host = `${formatHost(backend.host)}:${backend.port}`;
        socket.write(`GET ${path} HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n\r\n`);
      });
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => {
        head += chunk;
        const eol = head.indexOf('\r\n');
        if (eol === -1) return head.length > 1024 ? done('status line too long') : undefined;
        done(statusVerdict(head.slice(0, eol), expectStatus));
      });
      socket.once('end', () => done('closed before a status line'));
      socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
    });
}

function statusVerdict(line: string, [lowest, highest]: readonly [number, number]): string | null {
  const m = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(line);
  if (!m) return `malformed status line ${JSON.stringify(line.slice(0, 40))}`;
  const status = Number(m[1]);
  return status >= lowest && status <= highest
    ? null
    : `status ${status}, expected ${lowest}-${highest}`;
}

/**
 * Active health checks, run by the primary. Each backend has its own timer and streak counter;
 * a state flips only after `rise` passes or `fall` failures in a row, and each flip is written to
 * shared memory (workers read it on their next pick) and logged once with its cause.
 */
export class HealthChecker {
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly streaks = new Map<number, number>();
  private stopped = false;

  constructor(
    private readonly state: SharedState,
    private readonly options: HealthOptions,
    private readonly probe: Probe,
    private readonly log: Logger,
    private readonly random: () => number = Math.random,
  ) {}

  start(backends: readonly Backend[]): void {
    for (const b of backends) this.schedule(b, this.random() * this.options.intervalMs);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(b: Backend, delay: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => void this.check(b), delay);
    timer.unref();
    this.timers.set(b.slot, timer);
  }

  private async check(b: Backend): Promise<void> {
    let reason: string | null;
    try {
      reason = await this.probe(b, this.options.timeoutMs);
    } catch (err) {
      // A probe that throws is a failed check, not the end of this backend's checks.
      reason = err instanceof Error ? err.message : String(err);
    }
    if (this.stopped) return;
    this.record(b, reason);
    const jitter = 1 + this.random() * 0.1;
    this.schedule(b, this.options.intervalMs * jitter);
  }

  /**
   * Streaks: positive counts passes while down, negative counts failures while up. A result
   * that agrees with the current state resets the streak.
   */
  private record(b: Backend, reason: string | null): void {
    const up = this.state.load('backendHealth', b.slot) === Health.Up;
    const passed = reason === null;
    if (passed === up) {
      this.streaks.set(b.slot, 0);
      return;
    }
    const streak = (this.streaks.get(b.slot) ?? 0) + 1;
    this.streaks.set(b.slot, streak);
    if (streak < (up ? this.options.fall : this.options.rise)) return;
    this.streaks.set(b.slot, 0);
    this.state.store('backendHealth', b.slot, passed ? Health.Up : Health.Down);
    const cause = passed
      ? `${this.options.rise} checks passed`
      : `${this.options.fall} checks failed: ${reason}`;
    const fields = {
      backend: b.id,
      address: `${formatHost(b.host)}:${b.port}`,
      from: up ? 'up' : 'down',
      to: up ? 'down' : 'up',
      cause,
    };
    logEvent(this.log, 'backend.state', fields, `backend ${b.id} is ${up ? 'down' : 'up'}`);
  }
}
