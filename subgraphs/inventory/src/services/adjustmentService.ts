import { z } from 'zod';
import {
  DomainError,
  ErrorCode,
  InputError,
  NotFoundError,
  decodeCursor,
  describeIdentity,
  parseFirst,
  toConnection,
  assertWithinReach,
  reachOf,
  sellerIdOf,
  type Connection,
  type Identity,
  type PrismaClient,
} from '@shopgraph/kit';
import type { InventoryCaches } from '../caches.js';
import type { StockLevelRow } from '../models.js';
import type { StockActor } from './holdService.js';
import { applyMovements, levelKey, lockLevelsOfProducts, STOCK_TX_OPTIONS, type Movement } from './stockLedger.js';

/** One SKU's stock in one warehouse as admins see it (with the version adjustStock expects). */
export interface AdminStockLevel extends StockLevelRow {
  version: number;
  updatedAt: Date;
}

export interface StockMovementRow {
  id: string;
  sku: string;
  warehouseId: string;
  kind: 'RECEIVE' | 'ADJUST' | 'RESERVE' | 'RELEASE' | 'SELL' | 'RETURN';
  quantity: number;
  onHandDelta: number;
  reservedDelta: number;
  reference: string | null;
  reason: string | null;
  actor: string;
  at: Date;
}

const count = z.number().int().min(0).max(10_000_000);
const adjustSchema = z
  .object({
    sku: z.string().trim().min(1, 'is required').max(100),
    warehouse: z.string().trim().min(1, 'is required').max(50),
    delta: z.number().int().min(-10_000_000).max(10_000_000).refine((d) => d !== 0, 'must not be 0').nullish(),
    set: count.nullish(),
    expectedVersion: z.number().int().min(0, 'must be 0 (a new level) or the version you saw'),
    reason: z.string().trim().min(3, 'must say why (3-500 characters)').max(500),
    lowStockThreshold: count.nullish(),
    backorderable: z.boolean().nullish(),
  })
  .superRefine((v, ctx) => {
    if (v.delta != null && v.set != null) ctx.addIssue({ code: 'custom', path: ['set'], message: 'give delta or set, not both' });
    if (v.delta == null && v.set == null && v.lowStockThreshold == null && v.backorderable == null) {
      ctx.addIssue({ code: 'custom', path: ['delta'], message: 'give delta or set (or a new threshold or backorder flag)' });
    }
  });
export type AdjustStockInput = z.input<typeof adjustSchema>;

const LEVEL_COLUMNS = `l.sku, i.variant_id::text AS "variantId", i.product_id::text AS "productId", l.warehouse_id::text AS "warehouseId",
  l.on_hand AS "onHand", l.reserved, l.low_stock_threshold AS "lowStockThreshold", l.backorderable, l.version, l.updated_at AS "updatedAt"`;
const MOVEMENT_SORT = 'movements-newest';
const MAX_SELLER_LEVELS = 500;

/** Admin corrections of stock (optimistic locking) and the movement history. */
export class AdjustmentService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly caches: InventoryCaches,
  ) {}

  async adjustStock(actor: StockActor, raw: AdjustStockInput): Promise<AdminStockLevel> {
    const parsed = adjustSchema.safeParse(raw);
    if (!parsed.success) {
      throw new InputError(parsed.error.issues.map((i) => ({ field: ['input', ...i.path].join('.'), message: i.message })));
    }
    const input = parsed.data;
    const who = describeIdentity(actor.identity);
    const meta = { actor: who, ...(actor.requestId && { requestId: actor.requestId }) };
    const { evict, sku, warehouseId } = await this.prisma.$transaction(async (tx) => {
      const [warehouse] = await tx.$queryRaw<Array<{ id: string }>>`SELECT id::text FROM inventory.warehouse WHERE code = ${input.warehouse}`;
      if (!warehouse) throw new NotFoundError('Warehouse', 'input.warehouse', input.warehouse);
      const [item] = await tx.$queryRaw<Array<{ sku: string }>>`SELECT sku FROM inventory.inventory_item WHERE sku = ${input.sku}`;
      if (!item) throw new NotFoundError('InventoryItem', 'input.sku', input.sku);
      let levels = await lockLevelsOfProducts(tx, [input.sku]);
      let level = levels.get(levelKey(input.sku, warehouse.id));
      if (!level) {
        if (input.expectedVersion !== 0) {
          throw new DomainError(ErrorCode.CONFLICT, `${input.sku} has no stock in ${input.warehouse} yet: expectedVersion must be 0`, { currentVersion: 0 });
        }
        // A new level starts at version 0 with nothing on hand; the adjustment below makes it version 1.
        await tx.$executeRaw`INSERT INTO inventory.stock_level (sku, warehouse_id, on_hand, reserved, version) VALUES (${input.sku}, ${warehouse.id}::uuid, 0, 0, 0)`;
        levels = await lockLevelsOfProducts(tx, [input.sku]);
        level = levels.get(levelKey(input.sku, warehouse.id))!;
      } else if (level.version !== input.expectedVersion) {
        throw new DomainError(ErrorCode.CONFLICT, `Stock of ${input.sku} in ${input.warehouse} changed since version ${input.expectedVersion}`, {
          currentVersion: level.version,
        });
      }
      const newOnHand = input.set ?? level.onHand + (input.delta ?? 0);
      const field = input.set != null ? 'input.set' : 'input.delta';
      if (newOnHand < 0) throw InputError.of(field, `would leave ${newOnHand} on hand`);
      if (newOnHand < level.reserved) throw InputError.of(field, `would leave ${newOnHand} on hand, below the ${level.reserved} held by carts and checkouts`);
      const change = newOnHand - level.onHand;
      const movements: Movement[] =
        change === 0
          ? []
          : [{ sku: input.sku, warehouseId: warehouse.id, kind: change > 0 && input.delta != null ? 'RECEIVE' : 'ADJUST', onHandDelta: change, reservedDelta: 0, reference: null, reason: input.reason }];
      const evict = await applyMovements(tx, levels, movements, { actor: who, eventReason: 'adjusted', meta });
      const settingsChanged =
        (input.lowStockThreshold != null && input.lowStockThreshold !== level.lowStockThreshold) || (input.backorderable != null && input.backorderable !== level.backorderable);
      if (settingsChanged || change === 0) {
        // Settings alone (or a count that matched): the version still moves, so a stale form is refused next time.
        await tx.$executeRaw`
          UPDATE inventory.stock_level SET version = version + ${change === 0 ? 1 : 0},
            low_stock_threshold = coalesce(${input.lowStockThreshold ?? null}::int, low_stock_threshold),
            backorderable = coalesce(${input.backorderable ?? null}::boolean, backorderable), updated_at = now()
          WHERE sku = ${input.sku} AND warehouse_id = ${warehouse.id}::uuid`;
      }
      return { evict: [...evict, { variantId: level.variantId, productId: level.productId }], sku: input.sku, warehouseId: warehouse.id };
    }, STOCK_TX_OPTIONS);
    await this.caches.evictStock(evict);
    return (await this.readLevels(sku)).find((l) => l.warehouseId === warehouseId)!;
  }

  /** Every level of one SKU, read fresh: admins any SKU, a seller the SKUs of their own products. */
  async levels(identity: Identity, sku: string): Promise<AdminStockLevel[]> {
    const reach = reachOf(identity, 'inventory');
    if (reach.kind === 'seller') {
      const [item] = await this.prisma.$queryRaw<Array<{ seller_id: string | null }>>`SELECT seller_id FROM inventory.inventory_item WHERE sku = ${sku}`;
      assertWithinReach(reach, item?.seller_id ?? null, 'This SKU');
    }
    return this.readLevels(sku);
  }

  private readLevels(sku: string): Promise<AdminStockLevel[]> {
    return this.prisma.$queryRawUnsafe<AdminStockLevel[]>(
      `SELECT ${LEVEL_COLUMNS} FROM inventory.stock_level l JOIN inventory.inventory_item i ON i.sku = l.sku JOIN inventory.warehouse w ON w.id = l.warehouse_id
       WHERE l.sku = $1 ORDER BY w.code`,
      sku,
    );
  }

  /** A seller's stock: the levels of the SKUs inventory learnt are theirs (product.changed). */
  async sellerLevels(identity: Identity, rawFirst: number | null | undefined): Promise<AdminStockLevel[]> {
    const sellerId = sellerIdOf(identity);
    if (sellerId === undefined) throw new DomainError(ErrorCode.FORBIDDEN, 'Only sellers have their own stock list');
    const first = rawFirst ?? 100;
    if (!Number.isInteger(first) || first < 1 || first > MAX_SELLER_LEVELS) throw InputError.of('first', `must be 1-${MAX_SELLER_LEVELS}`);
    return this.prisma.$queryRawUnsafe<AdminStockLevel[]>(
      `SELECT ${LEVEL_COLUMNS} FROM inventory.inventory_item i JOIN inventory.stock_level l ON l.sku = i.sku JOIN inventory.warehouse w ON w.id = l.warehouse_id
       WHERE i.seller_id = $1 ORDER BY l.sku, w.code LIMIT $2`,
      sellerId,
      first,
    );
  }

  /** A SKU's movements, newest first, by keyset on the movement id. */
  async movements(sku: string, args: { first?: number | null; after?: string | null }): Promise<Connection<StockMovementRow>> {
    const first = parseFirst(args.first);
    const after = args.after != null ? decodeCursor(args.after, MOVEMENT_SORT, 1) : null;
    const afterId = after ? String(after[0]) : null;
    if (afterId !== null && !/^\d{1,19}$/.test(afterId)) throw InputError.of('after', 'is not a cursor returned by this connection');
    const rows = await this.prisma.$queryRaw<StockMovementRow[]>`
      SELECT id::text, sku, warehouse_id::text AS "warehouseId", kind::text, quantity, on_hand_delta AS "onHandDelta",
             reserved_delta AS "reservedDelta", reference, reason, actor, created_at AS at
      FROM inventory.stock_movement
      WHERE sku = ${sku} AND (${afterId}::bigint IS NULL OR id < ${afterId}::bigint)
      ORDER BY id DESC LIMIT ${first + 1}`;
    return toConnection(rows, { first, after }, MOVEMENT_SORT, (r) => [r.id], async () => {
      const [{ n }] = await this.prisma.$queryRaw<[{ n: number }]>`SELECT count(*)::int AS n FROM inventory.stock_movement WHERE sku = ${sku}`;
      return n;
    });
  }
}
