import { spawnSync } from 'node:child_process';

// pyenv or a venv may shadow the system python3 that has Debian's python3-fastapi and uvicorn,
// so the system interpreter is tried after the one on PATH.
const candidates = ['python3', '/usr/bin/python3'];

/** The first python3 that can `import fastapi, uvicorn`, or undefined. */
export function findFastApiPython(): string | undefined {
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import fastapi, uvicorn'], {
      stdio: 'ignore',
      timeout: 10000,
    });
    if (probe.status === 0) return python;
  }
  return undefined;
}
