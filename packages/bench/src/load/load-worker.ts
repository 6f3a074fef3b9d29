// piscina task file: one long task per worker thread runs its share of the clients for the
// whole window and returns this thread's histogram (encoded) and counters.
import { ClosedLoopClient } from './closed-loop-client';
import { Gate } from './gate';
import { encodeHistogram } from './histogram';
import { LoadTask, LoadTaskResult } from './load-task';
import { ResultSink } from './result-sink';

export default async function runLoadTask(task: LoadTask): Promise<LoadTaskResult> {
  const sink = new ResultSink();
  const settings = {
    path: task.path,
    connection: task.connection,
    window: task.window,
    requestTimeoutMs: task.requestTimeoutMs,
    gate: task.maxInFlight === undefined ? undefined : new Gate(task.maxInFlight),
  };
  const clients = task.clients.map((plan) => new ClosedLoopClient(plan, settings, sink));
  await Promise.all(clients.map((client) => client.run()));
  return {
    histogram: encodeHistogram(sink.histogram),
    requests: sink.requests,
    errors: sink.errors,
    errorKinds: sink.errorKinds,
    backends: sink.backends,
  };
}
