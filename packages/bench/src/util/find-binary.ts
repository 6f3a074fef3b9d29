import fs from 'node:fs';
import path from 'node:path';

// Debian puts haproxy and nginx in /usr/sbin, which a non-root PATH often lacks.
const extraDirs = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

/** Full path of an executable found on PATH (plus the sbin dirs), or undefined. */
export function findBinary(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).concat(extraDirs);
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}
