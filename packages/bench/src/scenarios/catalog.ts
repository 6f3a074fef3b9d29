import { DelayRange } from '../backends/delay';
import { Scenario } from './scenario';

const seedDelay: DelayRange = { minMs: 100, maxMs: 300 };
const slowDelay: DelayRange = { minMs: 300, maxMs: 900 };
const noDelay: DelayRange = { minMs: 0, maxMs: 0 };

// seed and skewed use one connection per request: with a connection-level cap (l4, HAProxy tcp)
// 150 keep-alive clients over 100 permits would leave 50 of them waiting for the whole run.
export const seedScenario: Scenario = {
  id: 'seed',
  title: 'seed: 100-300 ms backends, 150 clients over 100 permits',
  purpose: 'The original study: maxConnections 100, more clients than permits, TPS and p95.',
  path: '/',
  connection: 'close',
  concurrency: 150,
  repeat: 3,
  delays: [seedDelay, seedDelay, seedDelay],
  backend: 'auto',
};

export const skewedScenario: Scenario = {
  id: 'skewed',
  title: 'skewed: backend b3 three times slower (300-900 ms)',
  purpose: 'Least connections should send less to the slow backend and win on TPS and p95.',
  path: '/',
  connection: 'close',
  concurrency: 150,
  repeat: 1,
  delays: [seedDelay, seedDelay, slowDelay],
  backend: 'auto',
};

// Every backend serves 50 requests at a time and queues the rest. Why 50 (README, "How to
// read"): direct deals its 150 clients 50 per backend, and least connections holds about 34 per
// backend under the 100 permits, so the pool never binds them; round robin gives b3 a third of
// the requests at three times the service time, 60 of the 100 permits, so b3's pool binds.
export const skewedCapacityScenario: Scenario = {
  ...skewedScenario,
  id: 'skewed-capacity',
  title: 'skewed-capacity: every backend serves 50 at a time, b3 three times slower per request',
  purpose:
    'A slow server with less capacity: a 50-request worker pool per backend, excess queued ' +
    'inside the backend; b3 takes 300-900 ms per request. Round robin overfills b3.',
  maxConcurrency: 50,
};

export const overheadScenario: Scenario = {
  id: 'overhead',
  title: 'overhead: zero-delay backends, keep-alive, 50 clients',
  purpose: 'Pure proxy cost per request against direct and the peers.',
  path: '/fast',
  connection: 'keep-alive',
  concurrency: 50,
  repeat: 1,
  delays: [noDelay, noDelay, noDelay],
  backend: 'node',
};

export const overheadCloseScenario: Scenario = {
  ...overheadScenario,
  id: 'overhead-close',
  title: 'overhead-close: zero-delay backends, Connection: close, 50 clients',
  purpose: 'Proxy cost per connection: one TCP connection (two for a proxy) per request.',
  connection: 'close',
};

/** Every scenario, in run order. */
export const allScenarios: Scenario[] = [
  seedScenario,
  skewedScenario,
  skewedCapacityScenario,
  overheadScenario,
  overheadCloseScenario,
];
