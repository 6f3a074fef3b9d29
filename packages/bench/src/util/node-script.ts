import path from 'node:path';

/** A script to run in a child process or worker thread, plus the Node flags it needs. */
export interface NodeScript {
  file: string;
  execArgv: string[];
}

/**
 * Resolves a sibling module of the running code. Under jest (swc) the code runs from src/*.ts,
 * so a child or worker has to load TypeScript too: tsx's CommonJS hook does that on Node 20.
 * From dist/*.js no flag is needed, so `compare` pays nothing for it.
 * @param fromDir `__dirname` of the caller.
 * @param baseName module path without extension, relative to `fromDir`.
 */
export function resolveNodeScript(fromDir: string, baseName: string): NodeScript {
  const runningTs = __filename.endsWith('.ts');
  const file = path.join(fromDir, `${baseName}${runningTs ? '.ts' : '.js'}`);
  const execArgv = runningTs ? ['--require', require.resolve('tsx/cjs')] : [];
  return { file, execArgv };
}
