import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { REPO_ROOT, SERVICE_PORTS, type ServiceName } from '@shopgraph/kit';
import { withParentDeathSignal } from './parentDeathSignal.js';

// Resolved from the repository root (the child's cwd), where npm installs tsx.
const TSX_LOADER = 'tsx';

/** Where each service's `index.ts` is: the launcher starts them as data, one rule for all. */
export function serviceEntry(name: ServiceName): string {
  return name === 'gateway'
    ? path.join(REPO_ROOT, 'gateway/src/index.ts')
    : path.join(REPO_ROOT, `subgraphs/${name}/src/index.ts`);
}

export interface ServiceProcess {
  name: ServiceName;
  port: number;
  /** Liveness path; ours is /health, a foreign gateway may differ. */
  healthPath?: string;
  child: ChildProcess;
  /** Last lines it printed, shown when it fails to start. */
  recentOutput: string[];
  exited: Promise<number | null>;
  stop(graceMs?: number): Promise<void>;
}

/** Whole lines only: a chunk can end in the middle of one. */
function forEachLine(stream: Readable | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop()!;
    lines.forEach(onLine);
  });
  stream.on('end', () => {
    if (pending) onLine(pending);
    pending = '';
  });
}

/**
 * Starts one service as a child process, its log lines prefixed with its name. It runs in
 * its own process group, so a terminal's Ctrl-C reaches only the launcher, which stops the
 * gateway before the subgraphs. It cannot outlive the launcher: the kernel sends it
 * SIGTERM if the launcher dies (Linux), and the IPC channel closing tells it the same.
 */
export function spawnService(name: ServiceName, env: NodeJS.ProcessEnv, print: (line: string) => void): ServiceProcess {
  const port = Number(env.PORT ?? SERVICE_PORTS[name]);
  const { command, args, detached } = withParentDeathSignal(
    process.execPath,
    ['--import', TSX_LOADER, serviceEntry(name)],
    'SIGTERM',
  );
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env,
    detached,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const recentOutput: string[] = [];
  const onLine = (line: string) => {
    if (line.trim() === '') return;
    recentOutput.push(line);
    if (recentOutput.length > 30) recentOutput.shift();
    print(`[${name}] ${line}`);
  };
  forEachLine(child.stdout, onLine);
  forEachLine(child.stderr, onLine);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (err) => {
      onLine(`could not start: ${err.message}`);
      resolve(null);
    });
  });
  return {
    name,
    port,
    child,
    recentOutput,
    exited,
    async stop(graceMs = 8_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls /health until the service answers, fails fast if the process dies first. */
export async function waitUntilHealthy(service: ServiceProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let died = false;
  void service.exited.then(() => (died = true));
  while (Date.now() < deadline) {
    if (died) break;
    try {
      const res = await fetch(`http://127.0.0.1:${service.port}${service.healthPath ?? '/health'}`, {
        signal: AbortSignal.timeout(1_000),
      });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (died) {
    // Its last words may still be in the pipe when 'exit' fires; 'close' comes after them.
    const { child } = service;
    await new Promise((r) => {
      if (child.stdout?.readableEnded !== false && child.stderr?.readableEnded !== false) return r(undefined);
      child.once('close', r);
      setTimeout(r, 1_000).unref();
    });
  }
  const { exitCode, signalCode } = service.child;
  const why = died
    ? `exited (${signalCode ? `signal ${signalCode}` : `code ${exitCode}`}) before answering /health`
    : `did not answer /health on port ${service.port} within ${timeoutMs / 1000} s`;
  const output = service.recentOutput.slice(-15).join('\n') || '(no output)';
  throw new Error(`${service.name} ${why}. Its last output:\n${output}`);
}
