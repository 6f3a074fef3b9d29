import fs from 'node:fs';
import path from 'node:path';
import { TargetContext, TargetSpec } from '../targets/target';
import { startTargetProcess } from '../targets/start-target-process';
import { findBinary } from '../util/find-binary';
import { pickFreePort } from '../util/ports';

// Every path nginx would write to points into the run's temp dir, so it never touches /var.
function tempPaths(dir: string): string[] {
  const kinds = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'];
  return kinds.map((kind) => `  ${kind}_temp_path ${path.join(dir, `nginx-${kind}`)};`);
}

/**
 * nginx as an L7 proxy with pooled keep-alive upstream connections. Open-source nginx cannot
 * queue at a concurrency cap (`queue` is NGINX Plus only; `max_conns` alone answers 502), so
 * this row runs without the 100 cap and the report says so.
 */
export function nginxConfig(port: number, context: TargetContext): string {
  const dir = context.tempDir;
  const servers = context.backends.map((b) => `    server 127.0.0.1:${b.port};`);
  return [
    'daemon off;',
    `worker_processes ${context.workers};`,
    `pid ${path.join(dir, 'nginx.pid')};`,
    `error_log ${path.join(dir, 'nginx-error.log')} warn;`,
    'events { worker_connections 8192; }',
    'http {',
    '  access_log off;',
    ...tempPaths(dir),
    '  keepalive_requests 10000000;',
    '  keepalive_timeout 30s;',
    '  upstream be {',
    ...servers,
    `    keepalive ${context.maxConnections};`,
    '  }',
    '  server {',
    `    listen 127.0.0.1:${port};`,
    '    location / {',
    '      proxy_pass http://be;',
    '      proxy_http_version 1.1;',
    '      proxy_set_header Connection "";',
    '      proxy_connect_timeout 5s;',
    '      proxy_read_timeout 30s;',
    '      proxy_send_timeout 30s;',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}

async function startNginx(binary: string, context: TargetContext) {
  const port = await pickFreePort();
  const configFile = path.join(context.tempDir, 'nginx.conf');
  fs.writeFileSync(configFile, nginxConfig(port, context));
  const errorLog = path.join(context.tempDir, 'nginx-error.log');
  // -e moves the start-up error log too; without it nginx tries /var/log/nginx first.
  const args = ['-p', context.tempDir, '-c', configFile, '-e', errorLog];
  const child = await startTargetProcess('nginx', binary, args, port, context.tempDir);
  return { ports: [port], pids: [child.pid], stop: () => child.stop() };
}

export const nginxTarget: TargetSpec = {
  name: 'nginx',
  kind: 'peer',
  describe: 'nginx (daemon off, master + workers), proxy_pass round robin, upstream keepalive',
  limits: 'uncapped: open-source nginx has no queue at a connection cap',
  unavailable: () => (findBinary('nginx') ? undefined : 'nginx binary not found'),
  start: (context) => startNginx(findBinary('nginx') as string, context),
};
