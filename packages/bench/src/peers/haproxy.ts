import fs from 'node:fs';
import path from 'node:path';
import { TargetContext, TargetSpec } from '../targets/target';
import { startTargetProcess } from '../targets/start-target-process';
import { findBinary } from '../util/find-binary';
import { pickFreePort } from '../util/ports';
import { splitLimit } from './split-limit';

export type HaproxyMode = 'tcp' | 'http';

// Same timeouts as the balancers: 5 s to connect, 30 s idle, 10 s in the queue.
function globalAndDefaults(mode: HaproxyMode, context: TargetContext): string[] {
  const timeouts = ['connect 5s', 'client 30s', 'server 30s', 'queue 10s'];
  if (mode === 'http') timeouts.push('http-keep-alive 30s');
  return [
    'global',
    // HAProxy raises its fd limit to about 2 x maxconn; 4000 fits the usual 20000 hard limit.
    '  maxconn 4000',
    `  nbthread ${context.workers}`,
    'defaults',
    `  mode ${mode}`,
    ...timeouts.map((t) => `  timeout ${t}`),
  ];
}

/**
 * tcp: `maxconn 100` on the frontend caps proxied connections; the rest wait in the accept
 * backlog, like the l4 permit queue. http: the cap is on in-flight requests, so it sits on the
 * servers (34 + 33 + 33) with `timeout queue`, like the l7 permit queue.
 */
export function haproxyConfig(mode: HaproxyMode, port: number, context: TargetContext): string {
  const perServer = splitLimit(context.maxConnections, context.backends.length);
  const frontendMaxconn = mode === 'tcp' ? context.maxConnections : 4000;
  const servers = context.backends.map((b, i) => {
    const cap = mode === 'http' ? ` maxconn ${perServer[i]}` : '';
    return `  server ${b.id} 127.0.0.1:${b.port}${cap}`;
  });
  const frontend = ['frontend fe', `  bind 127.0.0.1:${port}`, `  maxconn ${frontendMaxconn}`];
  frontend.push('  backlog 4096', '  default_backend be');
  const backend = ['backend be', '  balance roundrobin'];
  if (mode === 'http') backend.push('  http-reuse always');
  return [...globalAndDefaults(mode, context), ...frontend, ...backend, ...servers, ''].join('\n');
}

async function startHaproxy(binary: string, mode: HaproxyMode, context: TargetContext) {
  const port = await pickFreePort();
  const configFile = path.join(context.tempDir, `haproxy-${mode}.cfg`);
  fs.writeFileSync(configFile, haproxyConfig(mode, port, context));
  // -db: stay in the foreground, so the PID we hold is the one that serves.
  const args = ['-db', '-f', configFile];
  const child = await startTargetProcess(`haproxy-${mode}`, binary, args, port, context.tempDir);
  return { ports: [port], pids: [child.pid], stop: () => child.stop() };
}

/** HAProxy from the machine, in tcp or http mode, round robin over the same backends. */
export function haproxyTarget(mode: HaproxyMode): TargetSpec {
  const limits =
    mode === 'tcp'
      ? 'frontend maxconn 100 (connections), excess waits in the accept backlog'
      : 'server maxconn 34+33+33 (requests), timeout queue 10 s';
  return {
    name: `haproxy-${mode}`,
    kind: 'peer',
    describe: `haproxy -db, mode ${mode}, balance roundrobin${mode === 'http' ? ', reuse' : ''}`,
    limits,
    unavailable: () => (findBinary('haproxy') ? undefined : 'haproxy binary not found'),
    start: (context) => startHaproxy(findBinary('haproxy') as string, mode, context),
  };
}
