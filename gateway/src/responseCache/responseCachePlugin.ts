import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { CACHE_TAGS_EXTENSION, type RequestContext } from '@shopgraph/kit';

/** What the response cache learns about one request while Apollo runs it. */
export interface ResponseCacheState {
  key: string;
  /** The cache's eviction clock when the request began. */
  startedAt: number;
  /** Tags the subgraph responses reported. */
  tags: Set<string>;
  operationType?: string;
  /** Seconds a shared cache may keep the response; undefined when it may not. */
  publicMaxAge?: number;
}

export interface GatewayContext extends RequestContext {
  /** Present when the caller has no identity and the request could be a cached query. */
  responseCache?: ResponseCacheState;
}

/**
 * Records what decides whether a response may be shared: the operation type, and the
 * cache policy Apollo Gateway built from every subgraph's Cache-Control header (the
 * smallest maxAge; PRIVATE if any part is private).
 */
export function responseCachePlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const state = contextValue.responseCache;
      if (!state) return;
      return {
        async didResolveOperation({ operation }) {
          state.operationType = operation?.operation;
        },
        async willSendResponse({ response, overallCachePolicy }) {
          const policy = overallCachePolicy.policyIfCacheable();
          const clean = response.body.kind === 'single' && !response.body.singleResult.errors;
          if (clean && policy && policy.scope === 'PUBLIC') state.publicMaxAge = policy.maxAge;
        },
      };
    },
  };
}

/** RemoteGraphQLDataSource hook: collects a subgraph response's cache tags and strips them. */
export function collectCacheTags({ response, context }: { response: { extensions?: Record<string, unknown> }; context: Partial<GatewayContext> }): void {
  const tags = response.extensions?.[CACHE_TAGS_EXTENSION];
  if (!Array.isArray(tags)) return;
  if (response.extensions) delete response.extensions[CACHE_TAGS_EXTENSION];
  const state = context.responseCache;
  if (state) for (const tag of tags) if (typeof tag === 'string') state.tags.add(tag);
}

export type { GraphQLDataSourceProcessOptions };
