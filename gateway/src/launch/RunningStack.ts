import type { ServiceName } from '@shopgraph/kit';
import type { EmbeddedPostgresHandle } from './embeddedPostgres.js';
import { spawnService, type ServiceProcess } from './serviceProcess.js';

/** Thrown when a start step races a shutdown that has already begun. */
export class StackStoppingError extends Error {
  constructor() {
    super('shutting down');
  }
}

/**
 * Everything `npm start` has started, and the one way to stop it: the gateway first (it
 * stops taking requests), then the subgraphs together, then the database they all use.
 * Once stop() has begun nothing new is started, so no process is left behind by a Ctrl-C
 * that lands halfway through startup.
 */
export class RunningStack {
  private readonly services: ServiceProcess[] = [];
  private postgresStart: Promise<EmbeddedPostgresHandle | undefined> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly say: (line: string) => void) {}

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  get running(): readonly ServiceProcess[] {
    return this.services;
  }

  /** Starts the database through the stack, so a stop that begins meanwhile still waits for it. */
  async startPostgres(start: () => Promise<EmbeddedPostgresHandle>): Promise<EmbeddedPostgresHandle> {
    if (this.stopping) throw new StackStoppingError();
    const started = start();
    this.postgresStart = started.catch(() => undefined);
    const handle = await started;
    if (this.stopping) throw new StackStoppingError();
    return handle;
  }

  spawn(name: ServiceName, env: NodeJS.ProcessEnv, print: (line: string) => void): ServiceProcess {
    if (this.stopping) throw new StackStoppingError();
    const service = spawnService(name, env, print);
    this.services.push(service);
    return service;
  }

  stop(): Promise<void> {
    this.stopping ??= this.stopInOrder();
    return this.stopping;
  }

  /** A second Ctrl-C: no more waiting for services to finish their requests. */
  kill(): void {
    for (const s of this.services) {
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    }
  }

  private async stopInOrder(): Promise<void> {
    const gateways = this.services.filter((s) => s.name === 'gateway');
    const subgraphs = this.services.filter((s) => s.name !== 'gateway');
    await Promise.all(gateways.map((s) => s.stop()));
    await Promise.all(subgraphs.map((s) => s.stop()));
    const postgres = await this.postgresStart;
    if (postgres) {
      await postgres.stop().catch((err: unknown) => this.say(`PostgreSQL stop failed: ${String(err)}`));
    }
  }
}
