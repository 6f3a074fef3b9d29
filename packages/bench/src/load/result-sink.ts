import { Histogram } from 'hdr-histogram-js';
import { newLatencyHistogram } from './histogram';

/** Counts of one thread; every client of the thread records here (single-threaded, no locks). */
export class ResultSink {
  readonly histogram: Histogram = newLatencyHistogram();
  requests = 0;
  errors = 0;
  readonly errorKinds: Record<string, number> = {};
  readonly backends: Record<string, number> = {};

  recordSuccess(latencyUs: number, backendId: string | undefined): void {
    this.histogram.recordValue(Math.max(1, Math.round(latencyUs)));
    this.requests++;
    const id = backendId ?? 'unknown';
    this.backends[id] = (this.backends[id] ?? 0) + 1;
  }

  recordError(kind: string): void {
    this.errors++;
    this.errorKinds[kind] = (this.errorKinds[kind] ?? 0) + 1;
  }
}
