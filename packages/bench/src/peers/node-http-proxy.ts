import { resolveNodeScript } from '../util/node-script';
import { pickFreePort } from '../util/ports';
import { startTargetProcess } from '../targets/start-target-process';
import { TargetContext, TargetSpec } from '../targets/target';

async function startNodeHttpProxy(context: TargetContext) {
  const port = await pickFreePort();
  const script = resolveNodeScript(__dirname, 'node-http-proxy-main');
  const backendPorts = context.backends.map((b) => String(b.port));
  const args = [...script.execArgv, script.file, String(port), ...backendPorts];
  const child = await startTargetProcess(
    'node-http-proxy',
    process.execPath,
    args,
    port,
    context.tempDir,
  );
  return { ports: [port], pids: [child.pid], stop: () => child.stop() };
}

function httpProxyInstalled(): string | undefined {
  try {
    require.resolve('http-proxy');
    return undefined;
  } catch {
    return 'http-proxy package not installed';
  }
}

export const nodeHttpProxyTarget: TargetSpec = {
  name: 'node-http-proxy',
  kind: 'peer',
  describe: 'http-proxy 1.18 on node:http, one thread, keep-alive http.Agent',
  limits: 'http.Agent maxTotalSockets 100, excess queued in the agent (no timeout)',
  unavailable: httpProxyInstalled,
  start: startNodeHttpProxy,
};
