import { join } from 'node:path';

/** The fdutil addon (native/fdutil.c), built by `pnpm install`. */
export interface FdUtil {
  /** Duplicates an fd (close-on-exec); the copy survives closing the original. */
  dup(fd: number): number;
  /** Closes an fd that no JS handle owns. */
  close(fd: number): void;
  /** Makes a listening TCP socket with no JS handle; returns [fd, bound port]. */
  listenTcp(host: string, port: number, backlog: number): [number, number];
}

let cached: FdUtil | undefined;

export function fdutil(): FdUtil {
  cached ??= require(join(__dirname, '..', 'build', 'Release', 'fdutil.node')) as FdUtil;
  return cached;
}
