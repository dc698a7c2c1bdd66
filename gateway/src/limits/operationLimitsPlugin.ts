import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { RefusalCode } from '@shopgraph/kit';
import type { GatewayLimits } from './gatewayLimits.js';
import { measureOperation } from './operationShape.js';

function refuse(code: string, message: string, limit: number, found: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code, limit, found, http: { status: 400 } } });
}

/**
 * Depth, alias and cost limits, checked once the operation is parsed and validated and
 * before the gateway plans it: a refused operation never reaches a subgraph. (The cost
 * needs the request's variables, so this is a plugin hook, not a validation rule.)
 */
export function operationLimitsPlugin<TContext extends BaseContext>(
  limits: Pick<GatewayLimits, 'maxDepth' | 'maxAliases' | 'maxCost'>,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return; // Apollo has already refused a document without the named operation
          const shape = measureOperation(schema, document, operation, request.variables ?? {});
          if (shape.depth > limits.maxDepth) {
            throw refuse(RefusalCode.QUERY_TOO_DEEP, `Query is ${shape.depth} levels deep; the limit is ${limits.maxDepth}`, limits.maxDepth, shape.depth);
          }
          if (shape.aliases > limits.maxAliases) {
            throw refuse(RefusalCode.TOO_MANY_ALIASES, `Query has ${shape.aliases} aliases; the limit is ${limits.maxAliases}`, limits.maxAliases, shape.aliases);
          }
          if (shape.cost > limits.maxCost) {
            throw refuse(RefusalCode.QUERY_TOO_COMPLEX, `Query costs ${shape.cost}; the limit is ${limits.maxCost}`, limits.maxCost, shape.cost);
          }
        },
      };
    },
  };
}
