import { ExponentialBackoff, handleWhen, retry, timeout, TimeoutStrategy, wrap, TaskCancelledError } from 'cockatiel';
import { serviceIdentity, type ServiceIdentity } from '../auth/identity.js';
import { IDENTITY_HEADER, type InternalSigner } from '../auth/internalSignature.js';
import { SERVICE_PORTS, type SubgraphName } from '../config.js';
import { DomainError, ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * Service-to-service GraphQL: one subgraph calling another's service-only fields
 * (`@inaccessible` in the SDL, so not in the public supergraph, and guarded by
 * `@requiresScopes(scopes: [["service"]])`). Every request is signed as the calling service
 * with the shared INTERNAL_SIGNING_SECRET, the way the gateway signs a caller's identity;
 * each attempt gets a fresh signature (a subgraph refuses a replayed one).
 *
 * Failures:
 * - a GraphQL error comes back as a DomainError with the same `extensions.code` and the
 *   other extensions as details (OUT_OF_STOCK { sku, requested, available } stays that);
 * - a network failure (connection refused or reset before an answer) is retried with
 *   exponential backoff; the callee's operations are idempotent, but a request that may
 *   have run (a timeout, a 5xx answer) is NOT retried here: the caller decides;
 * - a timeout or an unusable answer is an InternalCallError.
 */
export interface InternalClient {
  /** POSTs `query` to `subgraph` signed as this service; `data` on success. */
  request<T>(subgraph: SubgraphName, query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Where `subgraph` answers (test harnesses point it at their own ports). */
  setUrl(subgraph: SubgraphName, url: string): void;
  urlOf(subgraph: SubgraphName): string;
  readonly identity: ServiceIdentity;
}

/** A call that failed without an answer from the callee (timeout, network, unreadable response). */
export class InternalCallError extends Error {
  constructor(
    readonly subgraph: SubgraphName,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`internal call to ${subgraph}: ${message}`, options);
    this.name = 'InternalCallError';
  }
}

export interface InternalClientOptions {
  /** The calling subgraph. */
  service: string;
  /** Absent only in the insecure development mode without a secret: calls then go unsigned (anonymous). */
  signer: InternalSigner | undefined;
  /** Overrides of the default URLs (`<NAME>_SUBGRAPH_URL`, else http://localhost:400N/graphql). */
  urls?: Partial<Record<SubgraphName, string>>;
  /** Per attempt (default 5000). */
  timeoutMs?: number;
  /** Attempts after the first on a network failure (default 2). */
  retries?: number;
  logger?: Logger;
}

/** `<NAME>_SUBGRAPH_URL`, e.g. INVENTORY_SUBGRAPH_URL, moves a subgraph (the gateway reads the same variables). */
export function subgraphUrlVariable(name: SubgraphName): string {
  return `${name.toUpperCase()}_SUBGRAPH_URL`;
}

export function defaultSubgraphUrl(name: SubgraphName, env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[subgraphUrlVariable(name)]?.trim();
  return configured || `http://localhost:${SERVICE_PORTS[name]}/graphql`;
}

/** Errors of fetch itself: the request never got an answer (refused, reset, DNS). */
function isNetworkFailure(err: unknown): boolean {
  return err instanceof TypeError && !(err instanceof DomainError);
}

interface GraphQLAnswer {
  data?: unknown;
  errors?: Array<{ message?: string; extensions?: Record<string, unknown> }>;
}

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

export function createInternalClient(options: InternalClientOptions): InternalClient {
  const identity = serviceIdentity(options.service);
  const urls = new Map<SubgraphName, string>(Object.entries(options.urls ?? {}) as [SubgraphName, string][]);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const policy = wrap(
    retry(handleWhen(isNetworkFailure), { maxAttempts: options.retries ?? 2, backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 1_000 }) }),
    timeout(timeoutMs, TimeoutStrategy.Aggressive),
  );
  const urlOf = (subgraph: SubgraphName) => urls.get(subgraph) ?? defaultSubgraphUrl(subgraph);

  return {
    identity,
    urlOf,
    setUrl: (subgraph, url) => void urls.set(subgraph, url),
    async request<T>(subgraph: SubgraphName, query: string, variables: Record<string, unknown> = {}): Promise<T> {
      const url = urlOf(subgraph);
      const body = JSON.stringify({ query, variables });
      let answer: GraphQLAnswer;
      try {
        answer = await policy.execute(async ({ signal }) => {
          const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
          if (options.signer) headers[IDENTITY_HEADER] = options.signer.sign(identity, { method: 'POST', search: new URL(url).search, body });
          const res = await fetch(url, { method: 'POST', headers, body, signal });
          const text = await res.text();
          try {
            return JSON.parse(text) as GraphQLAnswer;
          } catch (cause) {
            throw new InternalCallError(subgraph, `HTTP ${res.status} without a GraphQL answer`, { cause });
          }
        });
      } catch (err) {
        if (err instanceof InternalCallError) throw err;
        if (err instanceof TaskCancelledError) throw new InternalCallError(subgraph, `no answer within ${timeoutMs} ms`, { cause: err });
        options.logger?.warn({ err, subgraph }, 'internal call failed');
        throw new InternalCallError(subgraph, err instanceof Error ? err.message : String(err), { cause: err });
      }
      const first = answer.errors?.[0];
      if (first) {
        const { code, ...details } = first.extensions ?? {};
        const known = typeof code === 'string' && KNOWN_CODES.has(code) ? (code as ErrorCode) : ErrorCode.INTERNAL_SERVER_ERROR;
        throw new DomainError(known, first.message ?? `${subgraph} answered with an error`, details);
      }
      if (answer.data == null) throw new InternalCallError(subgraph, 'answer without data');
      return answer.data as T;
    },
  };
}
