import type { GraphQLResolveInfo } from 'graphql';

interface CacheControlInfo {
  cacheControl?: { setCacheHint(hint: { maxAge?: number }): void };
}

/**
 * Caps how long a response showing this field may be cached (Apollo's cache hint: the
 * smallest maxAge in a response wins, at the subgraph and at the gateway's response cache),
 * so a price is never served from a cache past the window boundary where it changes.
 */
export function cacheUntil<T>(info: GraphQLResolveInfo, read: { value: T; validUntil?: number }, now = Date.now()): T {
  if (read.validUntil !== undefined) {
    (info as GraphQLResolveInfo & CacheControlInfo).cacheControl?.setCacheHint({ maxAge: Math.max(0, Math.floor((read.validUntil - now) / 1000)) });
  }
  return read.value;
}
