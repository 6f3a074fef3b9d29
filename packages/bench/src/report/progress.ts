import { Presets, SingleBar } from 'cli-progress';

/**
 * A time-based progress bar on stderr: each run advances it by its planned seconds, ticking
 * while the run goes. Lines printed through `log` pause the bar so it never tears a table.
 * cli-progress draws nothing when stderr is not a terminal (CI, jest).
 */
export class Progress {
  private readonly bar: SingleBar;
  private done = 0;
  private label = '';
  private runSeconds = 0;
  private runStartedAt = 0;
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    private readonly totalSeconds: number,
    private readonly write: (text: string) => void,
  ) {
    const format = '{bar} {percentage}% | ETA {eta_formatted} | {label}';
    this.bar = new SingleBar(
      { format, stream: process.stderr, clearOnComplete: true, hideCursor: true },
      Presets.shades_classic,
    );
  }

  start(): void {
    this.bar.start(this.tenths(this.totalSeconds), 0, { label: 'starting' });
    this.ticker = setInterval(() => this.tick(), 250);
    this.ticker.unref();
  }

  runStarted(label: string, seconds: number): void {
    this.label = label;
    this.runSeconds = seconds;
    this.runStartedAt = Date.now();
    this.tick();
  }

  runFinished(): void {
    this.done += this.runSeconds;
    this.runSeconds = 0;
    this.tick();
  }

  /** A run that will not happen (target skipped or failed): count its time as done. */
  skip(seconds: number): void {
    this.done += seconds;
    this.tick();
  }

  /** Prints a line to stdout with the bar out of the way. */
  log(text: string): void {
    this.bar.stop();
    this.write(`${text}\n`);
    this.bar.start(this.tenths(this.totalSeconds), this.tenths(this.current()), {
      label: this.label,
    });
  }

  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.bar.stop();
  }

  private current(): number {
    const inRun = Math.min(this.runSeconds, (Date.now() - this.runStartedAt) / 1000);
    return this.done + Math.max(0, inRun);
  }

  private tick(): void {
    this.bar.update(this.tenths(this.current()), { label: this.label });
  }

  private tenths(seconds: number): number {
    return Math.round(seconds * 10);
  }
}
