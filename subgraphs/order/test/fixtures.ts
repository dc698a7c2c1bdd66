import { randomUUID } from 'node:crypto';

type Sql = <T>(query: string, ...values: unknown[]) => Promise<T[]>;

export interface FixtureOrder {
  id: string;
  customerId: string;
}

/**
 * An order as checkout leaves it, written straight to the tables (the lifecycle and refund
 * tests need orders in given states, not a checkout): lines, and a payment captured in full
 * when the status is past PENDING. `checkout_step` stays NULL, as for history that made no
 * stock movements, so cancelling it gives no stock back.
 */
export async function insertOrder(
  sql: Sql,
  options: { customerId?: string; status?: string; total?: string; placedAt?: Date; captured?: boolean } = {},
): Promise<FixtureOrder> {
  const id = randomUUID();
  const customerId = options.customerId ?? randomUUID();
  const total = options.total ?? '100.00';
  await sql(
    `INSERT INTO ordering."order" (id, number, customer_id, status, currency, subtotal, tax, shipping, total, placed_at)
     VALUES ($1::uuid, 'SG-T' || left($1::text, 8), $2::uuid, $3::ordering."OrderStatus", 'USD', $4::numeric, 0, 0, $4::numeric, $5)`,
    id,
    customerId,
    options.status ?? 'CONFIRMED',
    total,
    options.placedAt ?? new Date(),
  );
  await sql(
    `INSERT INTO ordering.order_line (order_id, product_id, variant_id, sku, name, quantity, unit_price, line_total)
     VALUES ($1::uuid, gen_random_uuid(), gen_random_uuid(), 'SKU-FIXTURE', 'Fixture', 2, $2::numeric / 2, $2::numeric)`,
    id,
    total,
  );
  if (options.captured ?? true) {
    await sql(
      `INSERT INTO ordering.payment (order_id, provider, token, status, currency, amount, authorized_amount, captured_amount, provider_reference)
       VALUES ($1::uuid, 'test', 'tok_approve', 'CAPTURED', 'USD', $2::numeric, $2::numeric, $2::numeric, 'test_auth_fixture')`,
      id,
      total,
    );
  }
  return { id, customerId };
}
