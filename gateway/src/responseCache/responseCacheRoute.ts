import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer, HTTPGraphQLRequest, HTTPGraphQLResponse } from '@apollo/server';
import { executeGraphQLHttpRequest, writeGraphQLHttpResponse, type RouteHandler } from '@shopgraph/kit';
import { ageOf, etagOf, type CachedResponse } from './cachedResponse.js';
import { negotiatedMediaType, responseCacheKey } from './responseCacheKey.js';
import type { GatewayContext, ResponseCacheState } from './responseCachePlugin.js';
import type { ResponseCache } from './ResponseCache.js';

export interface ResponseCacheRouteOptions {
  apollo: ApolloServer<GatewayContext>;
  /** Undefined: every request runs (SHOPGRAPH_CACHE=off). */
  cache: ResponseCache | undefined;
  /**
   * Reads the request and lets it in (body size, token, rate limit, safelist), with its base
   * context (request id, logger, identity); a refused request is answered there and comes
   * back undefined.
   */
  admit: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<{ request: HTTPGraphQLRequest; context: GatewayContext } | undefined>;
  /**
   * Longest a CDN or browser may reuse a response without asking again. Our own cache is
   * evicted by write events; one in front of us cannot be, so it gets less time (and an
   * ETag to revalidate cheaply).
   */
  sharedMaxAgeSeconds: number;
}

/** A caller with an identity (or credentials a later layer reads) never shares a cached response. */
function hasIdentity(request: HTTPGraphQLRequest, context: GatewayContext): boolean {
  return context.identity.kind !== 'anonymous' || request.headers.has('authorization') || request.headers.has('cookie');
}

function etagMatches(request: HTTPGraphQLRequest, etag: string): boolean {
  const header = request.headers.get('if-none-match');
  return header !== undefined && header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

function sharedHeaders(entry: CachedResponse, sharedMaxAge: number, result: 'HIT' | 'MISS'): Record<string, string> {
  const age = ageOf(entry);
  return {
    'content-type': entry.contentType,
    'cache-control': `public, max-age=${Math.max(0, Math.min(sharedMaxAge, entry.maxAge - age))}`,
    etag: entry.etag,
    age: String(age),
    vary: 'Accept, Authorization, Cookie',
    'x-cache': result,
  };
}

function send(res: ServerResponse, request: HTTPGraphQLRequest, entry: CachedResponse, headers: Record<string, string>): void {
  if (etagMatches(request, entry.etag)) {
    const { 'content-type': _type, ...rest } = headers;
    res.writeHead(304, rest).end();
    return;
  }
  res.writeHead(200, headers).end(entry.body);
}

/**
 * The gateway's /graphql route with the response cache in front of Apollo, behind the
 * admission checks (a hit still counts against the caller's rate limit). A hit is served
 * from stored bytes before Apollo parses anything; a miss runs, and is stored when Apollo
 * found it a public, error-free query. Conditional requests get 304.
 */
export function responseCacheRoute(options: ResponseCacheRouteOptions): RouteHandler {
  const { apollo, cache } = options;
  return async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const admitted = await options.admit(req, res, url);
    if (!admitted) return;
    const { request, context } = admitted;
    const key = cache && !hasIdentity(request, context) ? responseCacheKey(request) : undefined;
    if (cache && key) {
      const entry = await cache.lookup(key);
      if (entry) {
        cache.requests.inc({ result: 'hit' });
        send(res, request, entry, sharedHeaders(entry, options.sharedMaxAgeSeconds, 'HIT'));
        return;
      }
    }
    const state: ResponseCacheState | undefined = cache && key ? { key, startedAt: cache.clock(), tags: new Set() } : undefined;
    const response = await executeGraphQLHttpRequest(apollo, request, async () => ({ ...context, ...(state && { responseCache: state }) }));

    if (cache && state && (await storeIfShareable(cache, state, request, response, options.sharedMaxAgeSeconds, res))) return;
    if (cache) cache.requests.inc({ result: state ? 'uncacheable' : 'bypass' });
    response.headers.set('cache-control', 'private, no-store');
    if (cache) response.headers.set('x-cache', state ? 'MISS' : 'BYPASS');
    await writeGraphQLHttpResponse(res, response);
  };
}

/** Stores and sends a public query's response; false when it is not one (the caller sends it as is). */
async function storeIfShareable(
  cache: ResponseCache,
  state: ResponseCacheState,
  request: HTTPGraphQLRequest,
  response: HTTPGraphQLResponse,
  sharedMaxAge: number,
  res: ServerResponse,
): Promise<boolean> {
  if (state.operationType !== 'query' || !state.publicMaxAge || (response.status ?? 200) !== 200 || response.body.kind !== 'complete') return false;
  const body = response.body.string;
  const entry: CachedResponse = {
    body,
    contentType: response.headers.get('content-type') ?? `${negotiatedMediaType(request)}; charset=utf-8`,
    etag: etagOf(body),
    storedAt: Date.now(),
    maxAge: state.publicMaxAge,
    tags: [...state.tags].sort(),
  };
  await cache.store(state.key, entry, state.startedAt);
  cache.requests.inc({ result: 'miss' });
  send(res, request, entry, sharedHeaders(entry, sharedMaxAge, 'MISS'));
  return true;
}
