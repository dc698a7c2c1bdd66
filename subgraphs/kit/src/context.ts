import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ANONYMOUS, type Identity } from './auth/identity.js';
import { ResponseTags } from './cache/responseTags.js';
import type { Logger } from './logger.js';

/** What every subgraph's per-request context starts with. */
export interface RequestContext {
  requestId: string;
  logger: Logger;
  /** Who is calling: verified at the gateway, forwarded signed, verified again by the subgraph. */
  identity: Identity;
  /** What this response shows, for the gateway's response cache (filled by the loaders). */
  responseTags: ResponseTags;
  /** The end caller's address as the gateway saw it, carried in its signature (per-IP limits); absent on service calls. */
  clientAddress?: string;
}

const REQUEST_ID = /^[\w.:-]{1,100}$/;

/** The gateway's request id when it sent one, so one id follows a request through every hop. */
export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export function createRequestContext(req: IncomingMessage, logger: Logger, identity: Identity = ANONYMOUS, clientAddress?: string): RequestContext {
  const requestId = requestIdOf(req);
  const bindings =
    identity.kind === 'user' ? { requestId, subject: identity.subject } : identity.kind === 'service' ? { requestId, service: identity.service } : { requestId };
  return { requestId, logger: logger.child(bindings), identity, responseTags: new ResponseTags(), ...(clientAddress !== undefined && { clientAddress }) };
}

/** Per-request tallies that code far from the resolvers adds to (SQL statements sent). */
export interface RequestTally {
  sqlQueries: number;
}

/** Follows a request through every await, so the database layer can count for it. */
export const requestTally = new AsyncLocalStorage<RequestTally>();
