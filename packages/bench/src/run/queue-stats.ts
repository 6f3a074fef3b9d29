import http from 'node:http';
import { QueueInfo } from './results';

function getJson(port: number): Promise<unknown> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/stats', timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch {
          resolve(undefined);
        }
      });
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });
}

// The /stats shape is not final, so this only looks for numbers whose key mentions "wait"
// anywhere under `queue` and shows the first few; the whole object goes into the JSON.
function waitFields(value: unknown, prefix: string, found: string[]): void {
  if (typeof value !== 'object' || value === null || found.length >= 3) return;
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof inner === 'number' && /wait/i.test(key)) found.push(`${name}=${+inner.toFixed(2)}`);
    else waitFields(inner, name, found);
  }
}

// No wait figure: show the queue's own top-level counters instead (timeouts, overflows, ...).
function topNumbers(queue: unknown): string {
  if (typeof queue !== 'object' || queue === null) return String(queue);
  const numbers = Object.entries(queue as Record<string, unknown>).filter(
    ([, v]) => typeof v === 'number',
  );
  return numbers.length > 0 ? numbers.map(([k, v]) => `${k}=${v as number}`).join(' ') : 'reported';
}

/** Queue wait from the target's admin `GET /stats`, or undefined when it reports none. */
export async function readQueueInfo(adminPort: number): Promise<QueueInfo | undefined> {
  const stats = await getJson(adminPort);
  if (typeof stats !== 'object' || stats === null || !('queue' in stats)) return undefined;
  const queue = (stats as { queue: unknown }).queue;
  const found: string[] = [];
  waitFields(queue, '', found);
  return { summary: found.length > 0 ? found.join(' ') : topNumbers(queue), raw: queue };
}
