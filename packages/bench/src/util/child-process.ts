import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { descendantPids } from './proc-cpu';

/** A child process this run started; stopped only through its own PID. */
export interface StartedProcess {
  name: string;
  pid: number;
  logFile: string;
  /** Set once the process has exited; a start-up check reads it. */
  exitCode(): number | string | undefined;
  stop(): Promise<void>;
}

export interface StartProcessOptions {
  /** Directory for `<name>.log` (stdout and stderr together). */
  logDir: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

// Everything still running is killed by PID if the parent exits early (Ctrl-C, a thrown error).
const running = new Set<StartedProcess>();
process.once('exit', () => {
  for (const child of running) killQuietly(child.pid, 'SIGKILL');
});

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Starts `command args` with output in a log file, and registers it for cleanup. */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: StartProcessOptions,
): StartedProcess {
  const logFile = path.join(options.logDir, `${name}.log`);
  const logFd = fs.openSync(logFile, 'a');
  const child = spawn(command, args, {
    stdio: ['ignore', logFd, logFd],
    env: options.env ?? process.env,
    cwd: options.cwd,
  });
  fs.closeSync(logFd);
  if (child.pid === undefined) throw new Error(`could not start ${command}`);

  let exit: number | string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = code ?? signal ?? 'unknown';
      resolve();
    });
    child.once('error', (err) => {
      exit = err.message;
      resolve();
    });
  });
  const started: StartedProcess = {
    name,
    pid: child.pid,
    logFile,
    exitCode: () => exit,
    stop: () => stopProcess(started, exited, () => exit !== undefined),
  };
  running.add(started);
  return started;
}

/**
 * SIGTERM, then SIGKILL after 5 s. Descendants (uvicorn's and nginx's workers) are listed
 * before the signal and killed by PID if they outlive their parent.
 */
async function stopProcess(
  child: StartedProcess,
  exited: Promise<void>,
  hasExited: () => boolean,
): Promise<void> {
  const descendants = descendantPids(child.pid);
  if (!hasExited()) killQuietly(child.pid, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5000)))]);
  clearTimeout(timer);
  if (!hasExited()) killQuietly(child.pid, 'SIGKILL');
  await exited;
  await new Promise((r) => setTimeout(r, 100));
  for (const pid of descendants) killQuietly(pid, 'SIGKILL');
  running.delete(child);
}

/** Last lines of a log file, to explain why a start failed. */
export function logTail(file: string, lines = 8): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join(' | ');
  } catch {
    return '';
  }
}
