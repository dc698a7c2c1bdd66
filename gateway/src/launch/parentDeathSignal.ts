import { spawnSync } from 'node:child_process';

let setprivHasPdeathsig: boolean | undefined;

function setprivAvailable(): boolean {
  if (process.platform !== 'linux') return false;
  setprivHasPdeathsig ??= (() => {
    const probe = spawnSync('setpriv', ['--help'], { encoding: 'utf8' });
    return probe.status === 0 && probe.stdout.includes('--pdeathsig');
  })();
  return setprivHasPdeathsig;
}

/**
 * A process that must not outlive the launcher, even when the launcher is killed with
 * SIGKILL: on Linux, `setpriv --pdeathsig <signal>` asks the kernel to send it that signal
 * when its parent dies; the process can then run in its own process group (`detached`), out of
 * reach of the terminal's Ctrl-C, and be stopped by the launcher in order. Without setpriv
 * it stays in the launcher's group, so Ctrl-C at least reaches it directly.
 */
export function withParentDeathSignal(
  command: string,
  args: string[],
  signal: 'SIGINT' | 'SIGTERM',
): { command: string; args: string[]; detached: boolean } {
  if (!setprivAvailable()) return { command, args, detached: false };
  return { command: 'setpriv', args: ['--pdeathsig', signal, '--', command, ...args], detached: true };
}
