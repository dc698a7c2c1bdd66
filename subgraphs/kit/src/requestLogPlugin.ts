import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from './context.js';

/**
 * One log line per GraphQL operation, from the request's own logger (a pino child carrying
 * its requestId): debug when it went well, info when it answered errors, so LOG_LEVEL=debug
 * shows every operation and the default shows the ones worth a look.
 */
export function requestLogPlugin<TContext extends Pick<RequestContext, 'logger'>>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ contextValue, operationName, operation, errors }) {
          const ms = Math.round((performance.now() - started) * 10) / 10;
          const fields = { operation: operationName ?? 'anonymous', type: operation?.operation, ms };
          if (!errors?.length) {
            contextValue.logger.debug(fields, 'graphql operation');
            return;
          }
          const codes = errors.map((e) => (typeof e.extensions.code === 'string' ? e.extensions.code : 'UNKNOWN'));
          contextValue.logger.info({ ...fields, errors: codes }, 'graphql operation answered errors');
        },
      };
    },
  };
}
