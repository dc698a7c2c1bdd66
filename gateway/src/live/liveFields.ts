import { GraphQLError } from 'graphql';
import { ErrorCode, type DomainEvent, type SubgraphName, type TopicName } from '@shopgraph/kit';

/** Most ids (or SKUs) one subscription may watch. */
export const MAX_WATCHED_KEYS = 100;

/** How a payload's entity is completed: a root query field of the supergraph that returns it. */
export interface LiveEntity {
  /** The payload field that holds it, e.g. `product`. */
  field: string;
  /** The root query field that reads it, e.g. `product(id: $__live)`. */
  queryField: string;
  argument: string;
  argumentType: string;
  /** The argument's value for an event and a subscription's arguments (null: no entity). */
  valueOf(event: DomainEvent, args: Record<string, unknown>): string | null;
  /** A second argument of the root field, when it needs one (a cart's token), by name with its type. */
  extraArgument?: { name: string; type: string; valueOf(args: Record<string, unknown>): unknown };
}

export interface LiveField {
  /** The Subscription field. */
  name: string;
  topic: TopicName;
  /** The subgraph that declares it . */
  subgraph: SubgraphName;
  /**
   * Set: the owning subgraph admits each subscription (owner rules, FORBIDDEN ...): the
   * gateway sends it this operation with the subscription's arguments, signed with the
   * subscriber's identity, and `keysOf` reads what it answered. Unset: public; the
   * arguments are checked here.
   */
  admission?: string;
  /** What the subscription listens on ("product:<id>", "sku:<sku>" ...). Throws BAD_USER_INPUT. */
  keysOf(args: Record<string, unknown>, admitted: Record<string, unknown> | undefined): string[];
  /** The keys an event is heard on. */
  eventKeys(event: DomainEvent): string[];
  /** The payload's own fields, by field name, from the event alone. */
  payloadOf(event: DomainEvent): Record<string, unknown>;
  entity?: LiveEntity;
}

function badInput(field: string, message: string): GraphQLError {
  return new GraphQLError(`Invalid ${field}: ${message}`, { extensions: { code: ErrorCode.BAD_USER_INPUT, field } });
}

/** The non-empty strings of a list argument, at most MAX_WATCHED_KEYS in all. */
function listArgument(args: Record<string, unknown>, name: string): string[] {
  const value = args[name];
  if (value === undefined || value === null) return [];
  const list = value as unknown[];
  if (list.some((v) => typeof v !== 'string' || v.trim() === '')) throw badInput(name, 'must not hold empty values');
  return [...new Set(list as string[])];
}

function watched(keys: string[], fields: string): string[] {
  if (keys.length === 0) throw badInput(fields, 'give at least one');
  if (keys.length > MAX_WATCHED_KEYS) throw badInput(fields, `watch at most ${MAX_WATCHED_KEYS}`);
  return keys;
}

const money = (amount: string, currency: string) => ({ amount, currency });

const productEntity: LiveEntity = {
  field: 'product',
  queryField: 'product',
  argument: 'id',
  argumentType: 'ID',
  valueOf: (event) => (event.payload as { productId: string }).productId,
};

export const LIVE_FIELDS: readonly LiveField[] = [
  {
    name: 'stockChanged',
    topic: 'inventory.stock_changed',
    subgraph: 'inventory',
    keysOf: (args) => {
      const skus = listArgument(args, 'skus').map((s) => `sku:${s}`);
      const products = listArgument(args, 'productIds').map((id) => `product:${id}`);
      return watched([...skus, ...products], 'skus');
    },
    eventKeys: (e) => {
      const p = (e as DomainEvent<'inventory.stock_changed'>).payload;
      return [`sku:${p.sku}`, `product:${p.productId}`];
    },
    payloadOf: (e) => {
      const p = (e as DomainEvent<'inventory.stock_changed'>).payload;
      return {
        sku: p.sku,
        variantId: p.variantId,
        productId: p.productId,
        warehouseId: p.warehouseId,
        available: p.productAvailable,
        skuAvailable: p.skuAvailable,
        warehouseAvailable: p.available,
        reason: p.reason,
        occurredAt: e.occurredAt,
      };
    },
    entity: productEntity,
  },
  {
    name: 'priceChanged',
    topic: 'product.price_changed',
    subgraph: 'product',
    keysOf: (args) => watched(listArgument(args, 'productIds'), 'productIds').map((id) => `product:${id}`),
    eventKeys: (e) => [`product:${(e as DomainEvent<'product.price_changed'>).payload.productId}`],
    payloadOf: (e) => {
      const p = (e as DomainEvent<'product.price_changed'>).payload;
      return {
        productId: p.productId,
        variantId: p.variantId,
        sku: p.sku,
        oldPrice: money(p.oldPrice, p.currency),
        newPrice: money(p.newPrice, p.currency),
        occurredAt: e.occurredAt,
        effectiveAt: p.effectiveAt ?? e.occurredAt,
      };
    },
    entity: productEntity,
  },
  {
    name: 'productChanged',
    topic: 'product.changed',
    subgraph: 'product',
    keysOf: (args) => watched(listArgument(args, 'productIds'), 'productIds').map((id) => `product:${id}`),
    eventKeys: (e) => [`product:${(e as DomainEvent<'product.changed'>).payload.productId}`],
    payloadOf: (e) => {
      const p = (e as DomainEvent<'product.changed'>).payload;
      return { productId: p.productId, change: p.change.toUpperCase(), occurredAt: e.occurredAt };
    },
    entity: productEntity,
  },
  {
    name: 'orderStatusChanged',
    topic: 'order.status_changed',
    subgraph: 'order',
    admission: 'subscription AdmitOrderWatch($orderId: ID!) { orderStatusChanged(orderId: $orderId) { orderId } }',
    keysOf: (_args, admitted) => [`order:${String(admitted?.orderId)}`],
    eventKeys: (e) => [`order:${(e as DomainEvent<'order.status_changed'>).payload.orderId}`],
    payloadOf: (e) => {
      const p = (e as DomainEvent<'order.status_changed'>).payload;
      return { orderId: p.orderId, status: p.status, previousStatus: p.previousStatus, occurredAt: e.occurredAt };
    },
    entity: {
      field: 'order',
      queryField: 'order',
      argument: 'id',
      argumentType: 'ID!',
      valueOf: (e) => (e as DomainEvent<'order.status_changed'>).payload.orderId,
    },
  },
  {
    name: 'cartChanged',
    topic: 'cart.changed',
    subgraph: 'cart',
    admission: 'subscription AdmitCartWatch($cartId: ID!, $cartToken: String) { cartChanged(cartId: $cartId, cartToken: $cartToken) { cartId } }',
    // The cart subgraph checked the holder (a guest's token, a customer's identity) and answered the cart.
    keysOf: (_args, admitted) => [`cart:${String(admitted?.cartId)}`],
    eventKeys: (e) => [`cart:${(e as DomainEvent<'cart.changed'>).payload.cartId}`],
    payloadOf: (e) => {
      const p = (e as DomainEvent<'cart.changed'>).payload;
      return { cartId: p.cartId, change: p.change.toUpperCase(), occurredAt: e.occurredAt };
    },
    entity: {
      field: 'cart',
      queryField: 'cart',
      argument: 'id',
      argumentType: 'ID',
      valueOf: (event) => (event as DomainEvent<'cart.changed'>).payload.cartId,
      // A guest reads its cart with its token; a customer's identity is enough for theirs.
      extraArgument: { name: 'token', type: 'ID', valueOf: (args) => (typeof args.cartToken === 'string' ? args.cartToken : null) },
    },
  },
];

export const LIVE_FIELD_BY_NAME: ReadonlyMap<string, LiveField> = new Map(LIVE_FIELDS.map((f) => [f.name, f]));
export const LIVE_FIELD_BY_TOPIC: ReadonlyMap<TopicName, LiveField> = new Map(LIVE_FIELDS.map((f) => [f.topic, f]));
export const LIVE_TOPICS: readonly TopicName[] = LIVE_FIELDS.map((f) => f.topic);
