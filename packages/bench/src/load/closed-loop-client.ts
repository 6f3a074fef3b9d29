import { ClientConnection, ConnectionSettings } from './client-connection';
import { Gate } from './gate';
import { ClientPlan } from './load-task';
import { ResultSink } from './result-sink';

/** Pause after a failed request, so a refused port cannot turn into a hot loop, ms. */
const retryPauseMs = 20;

export interface ClientSettings extends ConnectionSettings {
  /** Cap on requests in flight in this thread; latency then includes the wait for a place. */
  gate?: Gate;
}

/**
 * One closed-loop client: send, wait for the whole response, send the next, on one
 * `ClientConnection`. The latency clock starts when the client wants to send, so a wait at the
 * gate counts; a request counts when it was sent inside the window and finished before it closed.
 */
export class ClosedLoopClient {
  private readonly connection: ClientConnection;
  private holdsPlace = false;
  private stopped = false;
  private finished: () => void = () => undefined;

  constructor(
    plan: ClientPlan,
    private readonly settings: ClientSettings,
    sink: ResultSink,
  ) {
    this.connection = new ClientConnection(plan, settings, sink);
  }

  /** Runs until the window ends; resolves then, whatever is in flight. */
  run(): Promise<void> {
    return new Promise((resolve) => {
      this.finished = resolve;
      const startIn = Math.max(0, this.settings.window.startAt - Date.now());
      setTimeout(() => this.sendNext(), startIn);
      setTimeout(() => this.stop(), this.settings.window.endAt - Date.now());
    });
  }

  private stop(): void {
    this.stopped = true;
    this.connection.close();
    this.finished();
  }

  private sendNext(): void {
    if (this.stopped) return;
    if (Date.now() >= this.settings.window.endAt) return this.stop();
    const { measureFrom, endAt } = this.settings.window;
    const ticket = {
      clockFrom: process.hrtime.bigint(),
      recordUntil: Date.now() >= measureFrom ? endAt : undefined,
      done: (answered: boolean) => this.onDone(answered),
    };
    const gate = this.settings.gate;
    if (!gate) return this.connection.send(ticket);
    gate.enter(() => {
      this.holdsPlace = true;
      if (this.stopped) return this.leaveGate();
      this.connection.send(ticket);
    });
  }

  private onDone(answered: boolean): void {
    this.leaveGate();
    if (answered) this.sendNext();
    else setTimeout(() => this.sendNext(), retryPauseMs);
  }

  private leaveGate(): void {
    if (!this.holdsPlace) return;
    this.holdsPlace = false;
    this.settings.gate!.leave();
  }
}
