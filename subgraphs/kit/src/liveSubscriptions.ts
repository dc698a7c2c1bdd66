import { DomainError, ErrorCode } from './errors.js';

/**
 * Subscription fields are declared by the subgraph that owns their events, but served by the
 * gateway over graphql-ws: it hears the events on the bus and completes each one through the
 * supergraph. A subgraph only *admits* a subscription: the gateway sends it the subscription
 * operation over HTTP, signed with the subscriber's identity, and the field's `resolve` runs
 * the owner's checks (throwing FORBIDDEN, NOT_FOUND ...) and returns the thing's current state.
 * `subscribe` is never called on a subgraph.
 */
export function servedByGateway(): never {
  throw new DomainError(ErrorCode.BAD_USER_INPUT, 'Subscribe through the gateway (graphql-ws at /graphql); subgraphs only admit subscriptions');
}
