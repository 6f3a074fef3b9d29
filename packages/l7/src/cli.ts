#!/usr/bin/env node
import { runCli, serve, startDemoBackends, validateConfig } from '@lb/core';
import { l7ProbeFor as probeFor } from './health-probe';
import { L7_WORKER_ENTRY } from './index';

/** No arguments: three built-in HTTP backends on loopback and the L7 balancer in front. */
async function demo(): Promise<void> {
  const backends = await startDemoBackends(3);
  const config = validateConfig(
    {
      listen: '127.0.0.1:8080',
      backends: backends.map((b) => `http://127.0.0.1:${b.port}`),
      workers: process.env.WORKERS ? Number(process.env.WORKERS) : undefined,
      admin: { listen: '127.0.0.1:9900' },
    },
    'http',
  );
  const running = await serve('lb-l7', config, { workerEntry: L7_WORKER_ENTRY, probeFor });
  const names = backends.map((b) => `${b.id} (127.0.0.1:${b.port})`).join(', ');
  process.stdout.write(
    [
      '',
      `lb-l7 demo: HTTP round robin over ${names}`,
      `  try:   curl -si http://127.0.0.1:${running.port}/hello   (repeat: x-backend-id changes)`,
      `  stats: curl -s http://127.0.0.1:${running.adminPort}/stats`,
      '  real backends: pnpm --filter l7 start -- --listen 0.0.0.0:8080 --backend http://10.0.0.5:80 ...',
      '  Ctrl-C stops.',
      '',
    ].join('\n'),
  );
}

void runCli({
  name: 'lb-l7',
  argv: process.argv.slice(2),
  env: process.env,
  workerEntry: L7_WORKER_ENTRY,
  backendScheme: 'http',
  probeFor,
  demo,
});
