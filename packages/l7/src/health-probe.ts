import { httpProbe, type Config, type Probe } from '@lb/core';

/**
 * L7 active checks are HTTP: `GET healthCheck.path` (default `/`) on a fresh connection,
 * passing on a status within `healthCheck.expectStatus` (default 200-399).
 */
export function l7ProbeFor(config: Config): Probe {
  const check = config.healthCheck;
  return httpProbe(check.path ?? '/', check.expectStatus ?? [200, 399]);
}
