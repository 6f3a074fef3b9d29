import { haproxyConfig } from '../../src/peers/haproxy';
import { nginxConfig } from '../../src/peers/nginx';
import { splitLimit } from '../../src/peers/split-limit';
import { TargetContext } from '../../src/targets/target';

const context: TargetContext = {
  backends: [
    { id: 'b1', port: 9001 },
    { id: 'b2', port: 9002 },
    { id: 'b3', port: 9003 },
  ],
  workers: 2,
  maxConnections: 100,
  queueTimeoutMs: 10000,
  tempDir: '/tmp/lb-bench-x',
};

describe('peer configs apply the same limits', () => {
  it('splits 100 over three servers as 34, 33, 33', () => {
    expect(splitLimit(100, 3)).toEqual([34, 33, 33]);
  });

  it('caps HAProxy tcp connections at the frontend', () => {
    const config = haproxyConfig('tcp', 8000, context);
    expect(config).toMatch(/frontend fe[\s\S]*maxconn 100\n/);
    expect(config).toContain('timeout queue 10s');
    expect(config).not.toMatch(/server .* maxconn/);
  });

  it('caps HAProxy http requests per server with a queue timeout', () => {
    const config = haproxyConfig('http', 8000, context);
    expect(config).toContain('server b1 127.0.0.1:9001 maxconn 34');
    expect(config).toContain('server b3 127.0.0.1:9003 maxconn 33');
    expect(config).toContain('timeout queue 10s');
  });

  it('keeps every nginx path inside the temp dir', () => {
    const config = nginxConfig(8000, context);
    expect(config).toContain('pid /tmp/lb-bench-x/nginx.pid;');
    expect(config).toContain('daemon off;');
    const paths = config.match(/_temp_path (\S+);/g) ?? [];
    expect(paths).toHaveLength(5);
    for (const line of paths) expect(line).toContain('/tmp/lb-bench-x/');
  });
});
