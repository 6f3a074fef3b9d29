// Child-process entry: `node node-http-proxy-main.js PORT BACKEND_PORT...`.
// node-http-proxy the way its README shows it, one thread, round robin over the backends.
import http from 'node:http';
import httpProxy from 'http-proxy';

const [port, ...backendPorts] = process.argv.slice(2).map(Number);
const targets = backendPorts.map((p) => `http://127.0.0.1:${p}`);

// The same cap as the others: at most 100 sockets to the backends; http.Agent queues the rest.
const agent = new http.Agent({ keepAlive: true, maxSockets: 100, maxTotalSockets: 100 });
const proxy = httpProxy.createProxyServer({ agent, proxyTimeout: 30000 });

proxy.on('error', (_err, _req, res) => {
  if (res instanceof http.ServerResponse && !res.headersSent) res.writeHead(502);
  res.end();
});

let next = 0;
const server = http.createServer((req, res) => {
  const target = targets[next++ % targets.length];
  proxy.web(req, res, { target });
});
server.keepAliveTimeout = 30000;
server.listen(port, '127.0.0.1');
process.once('SIGTERM', () => process.exit(0));
