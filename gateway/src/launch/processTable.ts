import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a running process, or undefined when it is gone. */
export function commandLineOf(pid: number): string | undefined {
  try {
    if (process.platform === 'linux') return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** Every process's PID and parent PID (Linux /proc, or `ps` elsewhere). */
function processTable(): { pid: number; ppid: number }[] {
  if (process.platform !== 'linux') {
    return execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/).map(Number))
      .map(([pid, ppid]) => ({ pid: pid!, ppid: ppid! }));
  }
  const rows: { pid: number; ppid: number }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      rows.push({ pid: Number(entry), ppid });
    } catch {
      // exited meanwhile
    }
  }
  return rows;
}

export interface ProcessInfo {
  pid: number;
  command: string;
}

/** Children, grandchildren and so on of a process (for checks that nothing is left behind). */
export function descendantsOf(root: number): ProcessInfo[] {
  const table = processTable();
  const found: ProcessInfo[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const row of table) {
      if (row.ppid === parent && !found.some((p) => p.pid === row.pid)) {
        const command = commandLineOf(row.pid);
        if (command !== undefined) found.push({ pid: row.pid, command });
        queue.push(row.pid);
      }
    }
  }
  return found;
}

/** Live processes whose command line contains `text` (a data directory, say). */
export function processesMentioning(text: string): number[] {
  return processTable()
    .map((row) => row.pid)
    .filter((pid) => pid !== process.pid && commandLineOf(pid)?.includes(text));
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/**
 * Waits for processes to be gone and returns those still running after timeoutMs. A
 * zombie waiting to be reaped counts as gone, and so does a PID now running another
 * command (PIDs are reused).
 */
export async function stillRunning(processes: readonly ProcessInfo[], timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = processes.filter(
      (p) => processAlive(p.pid) && !isZombie(p.pid) && commandLineOf(p.pid) === p.command,
    );
    if (alive.length === 0 || Date.now() > deadline) return alive.map((p) => `${p.pid} ${p.command}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
