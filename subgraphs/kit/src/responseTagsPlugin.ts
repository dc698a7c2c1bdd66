import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from './context.js';

/** The response extension the gateway reads a subgraph response's cache tags from. */
export const CACHE_TAGS_EXTENSION = 'cacheTags';

/** Reports what the response showed (collected by the loaders) in `extensions.cacheTags`. */
export function responseTagsPlugin<TContext extends RequestContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single' || contextValue.responseTags.size === 0) return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, [CACHE_TAGS_EXTENSION]: contextValue.responseTags.list() };
        },
      };
    },
  };
}
