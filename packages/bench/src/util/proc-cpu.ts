import fs from 'node:fs';

// Clock ticks per second for /proc/*/stat; 100 on every Linux build this runs on (getconf CLK_TCK).
const ticksPerSecond = 100;

interface ProcStat {
  ppid: number;
  cpuTicks: number;
}

/** utime + stime of a whole process (all its threads), from /proc/PID/stat. */
function readStat(pid: number): ProcStat | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name sits in parentheses and may hold spaces; fields start after it.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

function parentMap(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  let entries: string[] = [];
  try {
    entries = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return children;
  }
  for (const name of entries) {
    const stat = readStat(Number(name));
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(Number(name));
    children.set(stat.ppid, list);
  }
  return children;
}

/** Every descendant of `pid` alive now (children, grandchildren, ...). */
export function descendantPids(pid: number): number[] {
  const children = parentMap();
  const found: number[] = [];
  const stack = [...(children.get(pid) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop() as number;
    found.push(next);
    stack.push(...(children.get(next) ?? []));
  }
  return found;
}

/**
 * CPU microseconds used so far by the given processes and their descendants (nginx workers,
 * uvicorn workers). Linux only; returns undefined where /proc is missing.
 */
export function processTreeCpuUs(rootPids: number[]): number | undefined {
  if (!fs.existsSync('/proc/self/stat')) return undefined;
  const pids = rootPids.flatMap((pid) => [pid, ...descendantPids(pid)]);
  let ticks = 0;
  for (const pid of pids) ticks += readStat(pid)?.cpuTicks ?? 0;
  return (ticks * 1e6) / ticksPerSecond;
}
