import { setTimeout as sleep } from 'node:timers/promises';
import { InternalCallError } from '@shopgraph/kit';

/**
 * What checkout needs from the inventory and cart subgraphs, as the contracts of issue 4 name
 * it (their internal, service-only fields). The saga talks to this interface; the real one
 * goes over HTTP through the kit's InternalClient (internalCommercePorts).
 */

export interface StockLine {
  sku: string;
  quantity: number;
}

export interface CheckoutCartLine {
  productId: string;
  variantId: string;
  sku: string;
  quantity: number;
  unitPrice: string;
}

/** The cart priced now for the destination's region, as `checkoutCart` returns it. */
export interface CheckoutCart {
  id: string;
  customerId: string | null;
  currency: string;
  stockOwner: string;
  lines: CheckoutCartLine[];
  subtotal: string;
  discount: string;
  tax: string;
  shipping: string;
  grandTotal: string;
  couponCode: string | null;
  version: number;
}

export interface CheckoutCartRequest {
  cartId: string;
  customerId: string;
  cartToken: string | null;
  region: string;
}

export interface CommercePorts {
  checkoutCart(request: CheckoutCartRequest): Promise<CheckoutCart>;
  /** Closes the cart for the order (idempotent per order) and redeems its coupon; CONFLICT when the coupon is used up. */
  completeCheckout(cartId: string, orderId: string): Promise<void>;
  /** Holds exactly these lines under `owner` and renews its expiry; OUT_OF_STOCK when one cannot be held. */
  holdStock(owner: string, lines: StockLine[]): Promise<void>;
  /** Releases everything `owner` holds. Idempotent. */
  releaseStock(owner: string, reason: string): Promise<void>;
  /** What `owner` holds becomes sold, once per reference. */
  commitStock(owner: string, reference: string): Promise<void>;
  /** Sold units come back, once per reference. */
  returnStock(reference: string, lines: StockLine[], reason: string): Promise<void>;
}

/** The kit's InternalClient as checkout uses it: GraphQL to another subgraph, signed as this service. */
export interface InternalRequester {
  request<T>(subgraph: 'inventory' | 'cart', query: string, variables: Record<string, unknown>): Promise<T>;
}

const CHECKOUT_CART = `query CheckoutCart($cartId: ID!, $customerId: ID, $cartToken: String, $region: String!) {
  checkoutCart(cartId: $cartId, customerId: $customerId, cartToken: $cartToken, region: $region) {
    id customerId currency stockOwner
    lines { productId variantId sku quantity unitPrice }
    subtotal discount tax shipping grandTotal couponCode version
  }
}`;

/**
 * Every operation of the contracts is idempotent (holdStock sets an exact quantity, the others
 * are once per owner, order or reference, checkoutCart only reads), so a call that got no
 * answer (InternalCallError: a timeout, a dropped connection) is simply made again, a few
 * times with a growing pause. A GraphQL error (a DomainError) is an answer and is not retried.
 */
async function withRetries<T>(call: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof InternalCallError) || attempt >= attempts) throw err;
      await sleep(100 * 2 ** attempt);
    }
  }
}

/** The contracts' internal fields, called over HTTP. */
export function internalCommercePorts(client: InternalRequester): CommercePorts {
  const internal: InternalRequester = { request: (subgraph, query, variables) => withRetries(() => client.request(subgraph, query, variables)) };
  return {
    async checkoutCart(request) {
      const data = await internal.request<{ checkoutCart: CheckoutCart }>('cart', CHECKOUT_CART, { ...request });
      return data.checkoutCart;
    },
    async completeCheckout(cartId, orderId) {
      await internal.request('cart', `mutation($cartId: ID!, $orderId: ID!) { completeCheckout(cartId: $cartId, orderId: $orderId) }`, { cartId, orderId });
    },
    async holdStock(owner, lines) {
      await internal.request('inventory', `mutation($owner: ID!, $lines: [StockLineInput!]!) { holdStock(owner: $owner, lines: $lines) { owner } }`, { owner, lines });
    },
    async releaseStock(owner, reason) {
      await internal.request('inventory', `mutation($owner: ID!, $reason: String!) { releaseStock(owner: $owner, reason: $reason) }`, { owner, reason });
    },
    async commitStock(owner, reference) {
      await internal.request('inventory', `mutation($owner: ID!, $reference: ID!) { commitStock(owner: $owner, reference: $reference) }`, { owner, reference });
    },
    async returnStock(reference, lines, reason) {
      await internal.request('inventory', `mutation($reference: ID!, $lines: [StockLineInput!]!, $reason: String!) { returnStock(reference: $reference, lines: $lines, reason: $reason) }`, {
        reference,
        lines,
        reason,
      });
    },
  };
}
