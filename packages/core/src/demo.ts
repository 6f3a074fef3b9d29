import { createServer, type Server } from 'node:http';

/** A backend for demos and tests: answers every request with its id, in a header and the body. */
export interface DemoBackend {
  id: string;
  port: number;
  server: Server;
}

/** Starts `count` HTTP backends on 127.0.0.1, ports chosen by the system. */
export async function startDemoBackends(count: number, prefix = 'backend'): Promise<DemoBackend[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const id = `${prefix}-${i + 1}`;
      const server = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'text/plain', 'x-backend-id': id });
          res.end(`hello from ${id}: ${req.method} ${req.url}\n`);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return { id, port: (server.address() as { port: number }).port, server };
    }),
  );
}
