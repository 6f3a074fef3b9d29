#!/usr/bin/env node
import { runCli, serve, startDemoBackends, validateConfig } from '@lb/core';
import { L4_WORKER_ENTRY } from './index';

/** No arguments: three built-in HTTP backends on loopback and the L4 balancer in front. */
async function demo(): Promise<void> {
  const backends = await startDemoBackends(3);
  const config = validateConfig({
    listen: '127.0.0.1:8080',
    backends: backends.map((b) => `127.0.0.1:${b.port}`),
    workers: process.env.WORKERS ? Number(process.env.WORKERS) : undefined,
    admin: { listen: '127.0.0.1:9900' },
  });
  const running = await serve('lb-l4', config, { workerEntry: L4_WORKER_ENTRY });
  process.stdout.write(
    [
      '',
      `lb-l4 demo: round robin over ${backends.map((b) => `${b.id} (127.0.0.1:${b.port})`).join(', ')}`,
      `  try:   curl -s http://127.0.0.1:${running.port}/        (repeat: each answer names its backend)`,
      `  stats: curl -s http://127.0.0.1:${running.adminPort}/stats`,
      '  real backends: pnpm --filter l4 start -- --listen 0.0.0.0:8080 --backend 10.0.0.5:80 ...',
      '  Ctrl-C stops.',
      '',
    ].join('\n'),
  );
}

void runCli({
  name: 'lb-l4',
  argv: process.argv.slice(2),
  env: process.env,
  workerEntry: L4_WORKER_ENTRY,
  demo,
});
