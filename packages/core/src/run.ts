import type { Server } from 'node:http';
import { startAdminServer } from './admin/server';
import { loadConfig, formatHost, type Config } from './config/load';
import { parseFlags, USAGE } from './config/flags';
import { LbError } from './errors';
import { HealthChecker, tcpProbe, type Probe } from './health/checker';
import { createLogger, logEvent, type Logger } from './log';
import { Supervisor } from './supervisor/supervisor';

export interface BalancerOptions {
  /** Script each worker thread runs (calls runWorker()). */
  workerEntry: string;
  /** Active health check; default: TCP connect. */
  probe?: Probe;
  /** Builds the check from the validated config (L7: HTTP `GET healthCheck.path`). */
  probeFor?: (config: Config) => Probe;
  log?: Logger;
}

/** A running balancer: the primary's side of it. */
export interface RunningBalancer {
  supervisor: Supervisor;
  config: Config;
  port: number;
  /** Port of the admin listener, or 0 when it is off. */
  adminPort: number;
  /** Graceful stop: stop accepting, let connections finish within `graceMs`, end workers. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts a balancer in this process: workers, listener, health checks, admin listener. */
export async function startBalancer(
  config: Config,
  options: BalancerOptions,
): Promise<RunningBalancer> {
  const log = options.log ?? createLogger(config.log.level);
  process.env.UV_TCP_SINGLE_ACCEPT ??= '1';
  const supervisor = new Supervisor({ config, workerEntry: options.workerEntry, log });
  await supervisor.start();
  const health = new HealthChecker(
    supervisor.state,
    config.healthCheck,
    options.probe ?? options.probeFor?.(config) ?? tcpProbe,
    log,
  );
  if (config.healthCheck.enabled) health.start(supervisor.backends);

  let admin: Server | undefined;
  try {
    if (config.admin.listen) {
      admin = await startAdminServer(
        supervisor,
        config.admin.listen.host,
        config.admin.listen.port,
        config.admin.token,
      );
    }
  } catch (err) {
    health.stop();
    await supervisor.stop(0);
    throw new LbError('LB_ERR_LISTEN', {
      address: config.admin.listen && `${config.admin.listen.host}:${config.admin.listen.port}`,
      reason: (err as Error).message,
    });
  }
  const adminPort = admin ? (admin.address() as { port: number }).port : 0;

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = config.timeouts.shutdownGraceMs): Promise<void> =>
    (stopping ??= (async () => {
      health.stop();
      await supervisor.stop(graceMs);
      await new Promise<void>((resolve) => (admin ? admin.close(() => resolve()) : resolve()));
      admin?.closeAllConnections();
    })());
  return { supervisor, config, port: supervisor.port, adminPort, stop };
}

export interface CliOptions extends BalancerOptions {
  /** Program name for usage and logs (`lb-l4`). */
  name: string;
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Scheme backend addresses carry (`http` for L7). */
  backendScheme?: string;
  /** Runs when there are no arguments at all: the embedded demo. */
  demo?: () => Promise<void>;
}

/**
 * The CLI main: validates everything before starting anything; a bad config or flag prints one
 * clear line and exits 2 with nothing listening. SIGTERM/SIGINT stop gracefully and exit 0.
 */
export async function runCli(options: CliOptions): Promise<void> {
  // `pnpm start -- --flag` may pass the separator through.
  const argv = options.argv[0] === '--' ? options.argv.slice(1) : options.argv;
  if (argv.length === 0 && options.demo) return options.demo();
  let config: Config;
  try {
    if (parseFlags(argv).help) {
      process.stdout.write(USAGE.replace('PROGRAM', options.name) + '\n');
      return;
    }
    config = loadConfig({ argv, env: options.env, backendScheme: options.backendScheme });
  } catch (err) {
    return exitWithError(options.name, err);
  }
  await serve(options.name, config, options);
}

/** Starts the balancer and keeps it up until a signal; shared by the CLI and the demo. */
export async function serve(
  name: string,
  config: Config,
  options: BalancerOptions,
): Promise<RunningBalancer> {
  const log = options.log ?? createLogger(config.log.level, { name });
  let running: RunningBalancer;
  try {
    running = await startBalancer(config, { ...options, log });
  } catch (err) {
    return exitWithError(name, err);
  }
  const listen = `${formatHost(config.listen.host)}:${running.port}`;
  const admin = config.admin.listen
    ? `${formatHost(config.admin.listen.host)}:${running.adminPort}`
    : null;
  const fields = {
    listen,
    port: running.port,
    admin,
    adminPort: running.adminPort,
    workers: config.workers,
    dispatch: running.supervisor.dispatchMode,
    algorithm: config.algorithm,
  };
  logEvent(log, 'lifecycle', fields, `${name} listening on ${listen}`);
  const onSignal = (signal: NodeJS.Signals) => {
    logEvent(log, 'lifecycle', { signal, graceMs: config.timeouts.shutdownGraceMs }, 'stopping');
    void running.stop().then(() => {
      logEvent(log, 'lifecycle', {}, 'stopped');
      process.exit(0);
    });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  // Node exits on SIGHUP by default; operators send it to reload. Reloading is not built yet,
  // so say so and keep serving rather than drop every connection.
  process.on('SIGHUP', () => {
    logEvent(log, 'lifecycle', { signal: 'SIGHUP' }, 'config reload is not supported yet; ignored');
  });
  return running;
}

function exitWithError(name: string, err: unknown): never {
  const code = err instanceof LbError ? err.code : 'LB_ERR_INTERNAL';
  process.stderr.write(`${name}: ${code}: ${(err as Error).message}\n`);
  process.exit(2);
}
