import net from 'node:net';

/** Asks the kernel for a free loopback port: listen on port 0, read it, close. */
export function pickFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Waits until 127.0.0.1:port accepts a TCP connection.
 * @param timeoutMs give up after this many milliseconds.
 * @param gaveUp checked between attempts, e.g. "the child process already exited".
 * @returns an error message, or undefined once the port is ready.
 */
export async function waitForPort(
  port: number,
  timeoutMs: number,
  gaveUp: () => string | undefined = () => undefined,
): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await canConnect(port)) return undefined;
    const reason = gaveUp();
    if (reason) return reason;
    await new Promise((r) => setTimeout(r, 50));
  }
  return `port ${port} did not accept a connection within ${timeoutMs} ms`;
}
