import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT, SERVICE_PORTS, type ServiceName } from '@shopgraph/kit';

// Resolved from the repository root (the child's cwd), where npm installs tsx.
const TSX_LOADER = 'tsx';

/** Where each service's `index.ts` is: the launcher starts them as data, one rule for all. */
export function serviceEntry(name: ServiceName): string {
  return name === 'gateway' ? path.join(REPO_ROOT, 'gateway/src/index.ts') : path.join(REPO_ROOT, `subgraphs/${name}/src/index.ts`);
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

/** Starts one service as a child process, its log lines prefixed with its name. */
export function spawnService(name: ServiceName, env: NodeJS.ProcessEnv, print: (line: string) => void): ServiceProcess {
  const port = Number(env.PORT ?? SERVICE_PORTS[name]);
  const child = spawn(process.execPath, ['--import', TSX_LOADER, serviceEntry(name)], {
    cwd: REPO_ROOT,
    env,
    // The IPC channel lets a child notice when the launcher is gone, even after SIGKILL.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const recentOutput: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      recentOutput.push(line);
      if (recentOutput.length > 30) recentOutput.shift();
      print(`[${name}] ${line}`);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
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
      const res = await fetch(`http://127.0.0.1:${service.port}${service.healthPath ?? '/health'}`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const why = died ? `exited with code ${service.child.exitCode}` : `did not answer /health within ${timeoutMs / 1000} s`;
  throw new Error(`${service.name} ${why}. Last output:\n${service.recentOutput.slice(-15).join('\n')}`);
}
