import type { RunningSupergraph } from './supergraphHarness.js';

/** Sets a SKU to `units` on hand in its first warehouse (0 elsewhere) with nothing held. */
export async function setStock(stack: Pick<RunningSupergraph, 'sql'>, sku: string, units: number): Promise<void> {
  await stack.sql(`DELETE FROM inventory.stock_hold WHERE sku = $1`, sku);
  await stack.sql(
    `UPDATE inventory.stock_level l SET reserved = 0, on_hand = CASE WHEN w.code = (SELECT min(w2.code) FROM inventory.warehouse w2) THEN $2::int ELSE 0 END
     FROM inventory.warehouse w WHERE w.id = l.warehouse_id AND l.sku = $1`,
    sku,
    units,
  );
}
