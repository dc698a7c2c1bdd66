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
export const REQUEST_ID_HEADER = 'x-request-id';
/** One id per request, however many times it is asked for (the response header, the context, the logs). */
const assignedIds = new WeakMap<IncomingMessage, string>();

/**
 * The request's id: a well-formed incoming `x-request-id` (the gateway's, or a client's at
 * the gateway), else a new UUID; so one id follows a request through every hop.
 */
export function requestIdOf(req: IncomingMessage): string {
  const assigned = assignedIds.get(req);
  if (assigned) return assigned;
  const incoming = req.headers[REQUEST_ID_HEADER];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  assignedIds.set(req, id);
  return id;
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
