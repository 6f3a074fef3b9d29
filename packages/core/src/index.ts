export { collectStats, startAdminServer, type Stats } from './admin/server';
export { BackendSet, reclaimWorkerBackends, type Backend } from './backend';
export { BackendWaitList, type RoomWaiter } from './backend-wait';
export {
  ALGORITHMS,
  createBalancer,
  normaliseAddress,
  type Algorithm,
  type Balancer,
  type PickContext,
} from './balancer/index';
export {
  formatHost,
  isLoopback,
  loadConfig,
  resolveHttpSettings,
  validateConfig,
  type Config,
} from './config/load';
export { parseFlags, USAGE } from './config/flags';
export { parseAddress, type ConfigInput, type HttpSettings } from './config/schema';
export { startDemoBackends, type DemoBackend } from './demo';
export { LbError, statusOf, type ErrorCode, type ErrorSide } from './errors';
export {
  HealthChecker,
  httpProbe,
  tcpProbe,
  type HealthOptions,
  type Probe,
} from './health/checker';
export { createLogger, logEvent, type LogEvent, type Logger } from './log';
export { runCli, serve, startBalancer, type BalancerOptions, type RunningBalancer } from './run';
export {
  pumpQueue,
  QueueSlot,
  reclaimWorkerPermits,
  Semaphore,
  type QueueTicket,
} from './semaphore';
export { computeLayout, LAYOUT_VERSION, type LayoutDims } from './shared/layout';
export { AdminState, Health, SharedState } from './shared/state';
export { PRIORITY_CLASSES, Supervisor } from './supervisor/supervisor';
export { runWorker, type ConnectionHandler, type WorkerContext } from './supervisor/worker-runtime';
