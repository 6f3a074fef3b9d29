import { logTail, startProcess, StartedProcess } from '../util/child-process';
import { waitForPort } from '../util/ports';

/** How long a target may take to accept its first connection, milliseconds. */
const readyTimeoutMs = 10000;

/**
 * Starts a target process and waits until its listen port accepts a TCP connection.
 * @throws with the exit status and the log tail when it exits or never listens.
 */
export async function startTargetProcess(
  name: string,
  command: string,
  args: string[],
  listenPort: number,
  logDir: string,
): Promise<StartedProcess> {
  const child = startProcess(name, command, args, { logDir });
  const exited = (): string | undefined => {
    const code = child.exitCode();
    return code === undefined ? undefined : `exited (${code}) before listening`;
  };
  const failure = await waitForPort(listenPort, readyTimeoutMs, exited);
  if (failure) {
    await child.stop();
    throw new Error(`${name}: ${failure}; log: ${logTail(child.logFile)}`);
  }
  return child;
}
