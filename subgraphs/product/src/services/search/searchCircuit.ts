import { circuitBreaker, ConsecutiveBreaker, handleAll, CircuitState, type IBreaker } from 'cockatiel';
import { Gauge, Counter, type Registry } from 'prom-client';
import type { Logger } from '@shopgraph/kit';

export type CircuitStateName = 'closed' | 'open' | 'half_open';

export interface SearchCircuitOptions {
  /** Consecutive failures that open the circuit. */
  failuresToOpen?: number;
  /** How long the circuit stays open before one probe goes through. */
  openForMs?: number;
  /** Consecutive successes after opening that close it again. */
  successesToClose?: number;
}

/**
 * Consecutive failures open the circuit; after a probe succeeds the circuit lets traffic
 * through on probation, and only `successesToClose` successes in a row count as recovered.
 * A failure on probation opens it again at once.
 */
class ProbationBreaker implements IBreaker {
  private readonly consecutive: ConsecutiveBreaker;
  /** Successes still needed before the circuit counts as closed; 0 = healthy. */
  probation = 0;

  constructor(
    failuresToOpen: number,
    private readonly successesToClose: number,
  ) {
    this.consecutive = new ConsecutiveBreaker(failuresToOpen);
  }

  get state(): unknown {
    return { consecutive: this.consecutive.state, probation: this.probation };
  }
  set state(value: unknown) {
    const v = value as { consecutive: number; probation: number };
    this.consecutive.state = v.consecutive;
    this.probation = v.probation;
  }

  success(state: CircuitState): void {
    this.consecutive.success();
    if (state === CircuitState.HalfOpen) this.probation = this.successesToClose - 1;
    else if (this.probation > 0) this.probation -= 1;
  }

  failure(state: CircuitState): boolean {
    if (state === CircuitState.HalfOpen || this.probation > 0) {
      this.probation = 0;
      return true;
    }
    return this.consecutive.failure();
  }
}

/** The OpenSearch circuit: cockatiel's breaker, its state on /metrics and in the log. */
export class SearchCircuit {
  private readonly breaker: ProbationBreaker;
  private readonly policy;
  private readonly stateGauge: Gauge;
  private readonly transitions: Counter<'to'>;
  private reported: CircuitStateName = 'closed';

  constructor(registry: Registry, private readonly logger: Logger, options: SearchCircuitOptions = {}) {
    this.breaker = new ProbationBreaker(options.failuresToOpen ?? 3, options.successesToClose ?? 2);
    this.policy = circuitBreaker(handleAll, { halfOpenAfter: options.openForMs ?? 10_000, breaker: this.breaker });
    this.stateGauge = new Gauge({
      name: 'search_circuit_state',
      help: 'OpenSearch circuit: 0 closed, 1 half-open (probing or on probation), 2 open (searches answered by PostgreSQL)',
      registers: [registry],
    });
    this.transitions = new Counter({
      name: 'search_circuit_transitions_total',
      help: 'OpenSearch circuit state changes by the state entered',
      labelNames: ['to'],
      registers: [registry],
    });
    this.policy.onStateChange(() => this.report());
  }

  get state(): CircuitStateName {
    const s = this.policy.state;
    if (s === CircuitState.Open || s === CircuitState.Isolated) return 'open';
    if (s === CircuitState.HalfOpen || this.breaker.probation > 0) return 'half_open';
    return 'closed';
  }

  /** Runs `fn` through the circuit; throws BrokenCircuitError without calling it while open. */
  async execute<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await this.policy.execute(fn);
    } finally {
      this.report();
    }
  }

  private report(): void {
    const state = this.state;
    this.stateGauge.set(state === 'closed' ? 0 : state === 'half_open' ? 1 : 2);
    if (state === this.reported) return;
    this.reported = state;
    this.transitions.inc({ to: state });
    const log = state === 'open' ? this.logger.warn.bind(this.logger) : this.logger.info.bind(this.logger);
    log({ circuit: state }, state === 'open' ? 'OpenSearch circuit open: searches go to PostgreSQL' : `OpenSearch circuit ${state}`);
  }
}
