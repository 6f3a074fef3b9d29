import path from 'node:path';
import { logTail, startProcess, StartedProcess } from '../util/child-process';
import { resolveNodeScript } from '../util/node-script';
import { benchRoot } from '../util/paths';
import { pickFreePort, waitForPort } from '../util/ports';
import { BackendSpec } from './delay';

/** `fastapi`: backends/app.py under uvicorn (see `uvicornWorkers`); `node`: the built-in one. */
export type BackendKind = 'node' | 'fastapi';

export interface BackendEndpoint {
  id: string;
  port: number;
}

export interface RunningBackends {
  kind: BackendKind;
  endpoints: BackendEndpoint[];
  pids: number[];
  stop(): Promise<void>;
}

interface BackendStart {
  python?: string;
  logDir: string;
}

/**
 * uvicorn worker processes for one FastAPI backend: 2, or 1 when the backend has a pool limit,
 * because app.py holds the limit in an asyncio.Semaphore of its own process and two processes
 * would serve twice the limit. One process sleeps a few hundred requests at a time easily.
 */
export function uvicornWorkers(maxConcurrency: number | undefined): number {
  return maxConcurrency ? 1 : 2;
}

function spawnBackend(kind: BackendKind, spec: BackendSpec, port: number, start: BackendStart) {
  if (kind === 'node') {
    const script = resolveNodeScript(__dirname, 'node-backend-main');
    const args = [...script.execArgv, script.file, JSON.stringify(spec), String(port)];
    return startProcess(`backend-${spec.id}`, process.execPath, args, { logDir: start.logDir });
  }
  // serve.py runs app.py under uvicorn with TCP_NODELAY; its docstring says why.
  const args = [
    path.join(benchRoot, 'backends', 'serve.py'),
    String(port),
    String(uvicornWorkers(spec.maxConcurrency)),
  ];
  const env = {
    ...process.env,
    BACKEND_ID: spec.id,
    DELAY_MIN_MS: String(spec.delay.minMs),
    DELAY_MAX_MS: String(spec.delay.maxMs),
    MAX_CONCURRENCY: String(spec.maxConcurrency ?? 0),
  };
  return startProcess(`backend-${spec.id}`, start.python ?? 'python3', args, {
    logDir: start.logDir,
    env,
  });
}

async function stopAll(children: StartedProcess[]): Promise<void> {
  await Promise.all(children.map((child) => child.stop()));
}

/**
 * Starts one backend process per spec on free loopback ports and waits until each accepts.
 * @throws when one does not come up within 20 s (uvicorn with workers can take seconds).
 */
export async function startBackends(
  kind: BackendKind,
  specs: BackendSpec[],
  start: BackendStart,
): Promise<RunningBackends> {
  const children: StartedProcess[] = [];
  const endpoints: BackendEndpoint[] = [];
  for (const spec of specs) {
    const port = await pickFreePort();
    children.push(spawnBackend(kind, spec, port, start));
    endpoints.push({ id: spec.id, port });
  }
  for (const [i, child] of children.entries()) {
    const exited = () => (child.exitCode() === undefined ? undefined : 'exited');
    const failure = await waitForPort(endpoints[i]!.port, 20000, exited);
    if (failure) {
      await stopAll(children);
      throw new Error(`${kind} backend ${child.name}: ${failure}; ${logTail(child.logFile)}`);
    }
  }
  const pids = children.map((child) => child.pid);
  return { kind, endpoints, pids, stop: () => stopAll(children) };
}
