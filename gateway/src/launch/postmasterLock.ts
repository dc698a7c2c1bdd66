import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { commandLineOf, processAlive, waitForExit } from './processTable.js';

/** The PID in `postmaster.pid`, if the file is there. */
export function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The launcher that owns a data directory writes its PID beside it. */
function launcherPidFile(dataDir: string): string {
  return path.join(path.dirname(dataDir), 'launcher.pid');
}

export function claimDataDir(dataDir: string): void {
  writeFileSync(launcherPidFile(dataDir), String(process.pid));
}

export function releaseDataDir(dataDir: string): void {
  const owner = readLauncherPid(dataDir);
  if (owner === process.pid) rmSync(launcherPidFile(dataDir), { force: true });
}

function readLauncherPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(launcherPidFile(dataDir), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A crash can leave `postmaster.pid` behind, which blocks the next start. Three cases:
 * - its PID is gone, or now belongs to an unrelated process (PIDs are reused after a
 *   reboot): the file is stale, remove it and never signal that process;
 * - it is a PostgreSQL on this data directory whose launcher is still running: another
 *   `npm start` owns the directory, refuse;
 * - it is a PostgreSQL on this data directory whose launcher is gone: an orphan, stop it
 *   (fast shutdown, then immediate shutdown) and carry on.
 */
export async function clearStalePostmaster(
  dataDir: string,
  say: (line: string) => void = () => undefined,
): Promise<void> {
  const pid = postmasterPid(dataDir);
  if (pid === undefined) return;
  const command = processAlive(pid) ? commandLineOf(pid) : undefined;
  const ours = command !== undefined && /postgres/.test(command) && command.includes(dataDir);
  if (ours) {
    const owner = readLauncherPid(dataDir);
    if (owner !== undefined && owner !== process.pid && processAlive(owner) && commandLineOf(owner)?.includes('node')) {
      throw new Error(
        `PostgreSQL on ${dataDir} belongs to a running launcher (pid ${owner}): is another \`npm start\` running?`,
      );
    }
    say(`stopping PostgreSQL left running by an earlier start (pid ${pid})`);
    process.kill(pid, 'SIGINT');
    if (!(await waitForExit(pid, 10_000))) {
      process.kill(pid, 'SIGQUIT');
      if (!(await waitForExit(pid, 5_000)))
        throw new Error(`could not stop orphaned PostgreSQL (pid ${pid}) on ${dataDir}`);
    }
  }
  rmSync(path.join(dataDir, 'postmaster.pid'), { force: true });
}
