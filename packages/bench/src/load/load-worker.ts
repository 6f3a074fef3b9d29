// piscina task file: one long task per worker thread runs its share of the load for the whole
// window and returns this thread's histogram (encoded) and counters.
import { ClientSettings, ClosedLoopClient } from './closed-loop-client';
import { Gate } from './gate';
import { encodeHistogram } from './histogram';
import { ClosedLoopShare, LoadTask, LoadTaskResult, OpenLoopCounts } from './load-task';
import { OpenLoopRunner } from './open-loop';
import { ResultSink } from './result-sink';

async function runClosedLoop(share: ClosedLoopShare, settings: ClientSettings, sink: ResultSink) {
  const clients = share.clients.map((plan) => new ClosedLoopClient(plan, settings, sink));
  await Promise.all(clients.map((client) => client.run()));
}

export default async function runLoadTask(task: LoadTask): Promise<LoadTaskResult> {
  const sink = new ResultSink();
  const settings: ClientSettings = {
    path: task.path,
    connection: task.connection,
    window: task.window,
    requestTimeoutMs: task.requestTimeoutMs,
    gate: task.maxInFlight === undefined ? undefined : new Gate(task.maxInFlight),
  };
  let openLoop: OpenLoopCounts | undefined;
  if (task.load.kind === 'open') {
    openLoop = await new OpenLoopRunner(task.load, settings, sink).run();
  } else await runClosedLoop(task.load, settings, sink);
  const result: LoadTaskResult = {
    histogram: encodeHistogram(sink.histogram),
    requests: sink.requests,
    errors: sink.errors,
    errorKinds: sink.errorKinds,
    backends: sink.backends,
  };
  if (openLoop) result.openLoop = openLoop;
  return result;
}
