import type { RunningSupergraph } from './supergraphHarness.js';

/** One line of a cart written straight to the tables. */
export interface CartLine {
  productId: string;
  variantId: string;
  sku: string;
  quantity: number;
  /** unit_price_at_add, as a decimal string. */
  price: string;
}

/**
 * A signed-in customer's open USD cart holding `line`, written straight to the cart tables with
 * no stock hold (as a cart whose holds lapsed and were released): its id.
 */
export async function writeCart(stack: Pick<RunningSupergraph, 'sql'>, customerId: string, line: CartLine): Promise<string> {
  const [cart] = await stack.sql<{ id: string }>(
    `INSERT INTO cart.cart (customer_id, currency, expires_at) VALUES ($1, 'USD', now() + interval '30 days') RETURNING id::text`,
    customerId,
  );
  await stack.sql(
    `INSERT INTO cart.cart_item (cart_id, product_id, variant_id, sku, quantity, unit_price_at_add) VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6::numeric)`,
    cart!.id,
    line.productId,
    line.variantId,
    line.sku,
    line.quantity,
    line.price,
  );
  return cart!.id;
}
