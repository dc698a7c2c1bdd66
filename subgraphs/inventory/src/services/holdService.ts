import { DomainError, ErrorCode, InputError, describeIdentity, type FieldError, type Identity, type PrismaClient } from '@shopgraph/kit';
import type { InventoryCaches } from '../caches.js';
import { applyMovements, byWarehouseCode, levelKey, lockLevelsOfProducts, lockOwner, STOCK_TX_OPTIONS, type LockedLevel, type Movement, type Tx } from './stockLedger.js';

export interface StockLine {
  sku: string;
  quantity: number;
}

export interface StockHoldModel {
  owner: string;
  expiresAt: Date;
  lines: StockLine[];
}

/** Who asks, for movements and events. */
export interface StockActor {
  identity: Identity;
  requestId?: string;
}

export interface HoldSettings {
  /** Default hold lifetime (STOCK_HOLD_TTL_SECONDS). */
  holdTtlSeconds: number;
}

const MAX_OWNER = 200;
const MAX_LINES = 100;
const MAX_REFERENCE = 200;
const MAX_REASON = 500;
const MIN_TTL = 10;
const MAX_TTL = 7 * 86_400;

interface HoldRow {
  sku: string;
  warehouseId: string;
  quantity: number;
}

function actorOf(actor: StockActor) {
  const name = describeIdentity(actor.identity);
  return { actor: name, meta: { actor: name, ...(actor.requestId && { requestId: actor.requestId }) } };
}

function checkText(errors: FieldError[], field: string, value: string, max: number): void {
  if (value.trim() === '' || value.length > max) errors.push({ field, message: `must be 1-${max} characters` });
}

function checkLines(errors: FieldError[], lines: readonly StockLine[], min: number): void {
  if (lines.length > MAX_LINES) errors.push({ field: 'lines', message: `must have at most ${MAX_LINES} lines` });
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    checkText(errors, `lines.${i}.sku`, line.sku, 100);
    if (!Number.isInteger(line.quantity) || line.quantity < min || line.quantity > 1_000_000) {
      errors.push({ field: `lines.${i}.quantity`, message: `must be an integer from ${min} to 1000000` });
    }
    if (seen.has(line.sku)) errors.push({ field: `lines.${i}.sku`, message: 'is listed twice' });
    seen.add(line.sku);
  });
}

/**
 * Holds of stock by their holders (a cart: "cart:<id>"), their release, sale and return.
 * Every call is one transaction that locks, in this order: the owner (advisory lock), the
 * owner's hold rows, then every stock row of the products involved (ordered by sku,
 * warehouse). The expiry job locks hold rows then stock rows too, so nothing deadlocks.
 * The CHECK 0 <= reserved <= on_hand makes overselling impossible even for a bug here.
 */
export class HoldService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly caches: InventoryCaches,
    private readonly settings: HoldSettings,
  ) {}

  async holdStock(actor: StockActor, owner: string, lines: readonly StockLine[], ttlSeconds?: number | null): Promise<StockHoldModel> {
    const errors: FieldError[] = [];
    checkText(errors, 'owner', owner, MAX_OWNER);
    checkLines(errors, lines, 0);
    const ttl = ttlSeconds ?? this.settings.holdTtlSeconds;
    if (!Number.isInteger(ttl) || ttl < MIN_TTL || ttl > MAX_TTL) errors.push({ field: 'ttlSeconds', message: `must be from ${MIN_TTL} to ${MAX_TTL}` });
    if (errors.length > 0) throw new InputError(errors);
    const { actor: who, meta } = actorOf(actor);

    const { evict, hold } = await this.prisma.$transaction(async (tx) => {
      await lockOwner(tx, `stock-owner:${owner}`);
      const holds = await this.lockHolds(tx, owner);
      const levels = await lockLevelsOfProducts(tx, lines.map((l) => l.sku));
      const movements: Movement[] = [];
      const next = new Map(holds.map((h) => [levelKey(h.sku, h.warehouseId), h.quantity]));
      for (const [index, line] of [...lines.entries()].sort(([, a], [, b]) => a.sku.localeCompare(b.sku))) {
        const skuLevels = [...levels.values()].filter((l) => l.sku === line.sku).sort(byWarehouseCode);
        if (skuLevels.length === 0) throw InputError.of(`lines.${index}.sku`, `is not a SKU inventory knows (${line.sku})`);
        movements.push(...this.planLine(owner, line, skuLevels, next));
      }
      for (const [key, quantity] of next) if (quantity === 0) next.delete(key);
      const evict = await applyMovements(tx, levels, movements, { actor: who, eventReason: 'hold', meta, bumpVersion: false });
      const changedKeys = new Set(movements.map((m) => levelKey(m.sku, m.warehouseId)));
      const upserts = [...changedKeys].filter((k) => next.has(k)).map((k) => {
        const level = levels.get(k)!;
        return { sku: level.sku, warehouseId: level.warehouseId, quantity: next.get(k)! };
      });
      const deletes = [...changedKeys].filter((k) => !next.has(k)).map((k) => ({ sku: levels.get(k)!.sku, warehouseId: levels.get(k)!.warehouseId }));
      if (deletes.length > 0) {
        await tx.$executeRaw`
          DELETE FROM inventory.stock_hold h USING jsonb_to_recordset(${JSON.stringify(deletes)}::jsonb) AS v(sku text, "warehouseId" uuid)
          WHERE h.owner = ${owner} AND h.sku = v.sku AND h.warehouse_id = v."warehouseId"`;
      }
      if (upserts.length > 0) {
        await tx.$executeRaw`
          INSERT INTO inventory.stock_hold (owner, sku, warehouse_id, quantity, expires_at)
          SELECT ${owner}, v.sku, v."warehouseId", v.quantity, now() + make_interval(secs => ${ttl})
          FROM jsonb_to_recordset(${JSON.stringify(upserts)}::jsonb) AS v(sku text, "warehouseId" uuid, quantity int)
          ON CONFLICT (owner, sku, warehouse_id) DO UPDATE SET quantity = excluded.quantity, updated_at = now()`;
      }
      // Everything the owner holds now lives `ttl` more seconds.
      const renewed = await tx.$queryRaw<Array<{ sku: string; quantity: number; expiresAt: Date }>>`
        WITH r AS (
          UPDATE inventory.stock_hold SET expires_at = now() + make_interval(secs => ${ttl}) WHERE owner = ${owner} RETURNING sku, quantity, expires_at
        )
        SELECT sku, sum(quantity)::int AS quantity, max(expires_at) AS "expiresAt" FROM r GROUP BY sku ORDER BY sku`;
      const [{ now }] = await tx.$queryRaw<[{ now: Date }]>`SELECT now() + make_interval(secs => ${ttl}) AS now`;
      return { evict, hold: { owner, expiresAt: renewed[0]?.expiresAt ?? now, lines: renewed.map((r) => ({ sku: r.sku, quantity: r.quantity })) } };
    }, STOCK_TX_OPTIONS);
    await this.caches.evictStock(evict);
    return hold;
  }

  /**
   * The movements that take what `owner` holds of one SKU to exactly `line.quantity`: more
   * comes from warehouses in code order, less goes back in reverse code order. Updates `next`.
   */
  private planLine(owner: string, line: StockLine, skuLevels: LockedLevel[], next: Map<string, number>): Movement[] {
    const heldIn = (l: LockedLevel) => next.get(levelKey(l.sku, l.warehouseId)) ?? 0;
    const current = skuLevels.reduce((sum, l) => sum + heldIn(l), 0);
    const movements: Movement[] = [];
    if (line.quantity > current) {
      const free = skuLevels.reduce((sum, l) => sum + (l.onHand - l.reserved), 0);
      let need = line.quantity - current;
      if (need > free) {
        throw new DomainError(ErrorCode.OUT_OF_STOCK, `Only ${current + free} of ${line.sku} can be held`, {
          sku: line.sku,
          requested: line.quantity,
          available: current + free,
        });
      }
      for (const level of skuLevels) {
        const take = Math.min(need, level.onHand - level.reserved);
        if (take <= 0) continue;
        movements.push({ sku: level.sku, warehouseId: level.warehouseId, kind: 'RESERVE', onHandDelta: 0, reservedDelta: take, reference: owner, reason: 'held' });
        next.set(levelKey(level.sku, level.warehouseId), heldIn(level) + take);
        need -= take;
        if (need === 0) break;
      }
    } else if (line.quantity < current) {
      let give = current - line.quantity;
      for (const level of [...skuLevels].reverse()) {
        const back = Math.min(give, heldIn(level));
        if (back <= 0) continue;
        movements.push({ sku: level.sku, warehouseId: level.warehouseId, kind: 'RELEASE', onHandDelta: 0, reservedDelta: -back, reference: owner, reason: 'hold lowered' });
        next.set(levelKey(level.sku, level.warehouseId), heldIn(level) - back);
        give -= back;
        if (give === 0) break;
      }
    }
    return movements;
  }

  /** Releases everything `owner` holds. Idempotent: nothing held, nothing done. */
  async releaseStock(actor: StockActor, owner: string, reason: string): Promise<boolean> {
    const errors: FieldError[] = [];
    checkText(errors, 'owner', owner, MAX_OWNER);
    checkText(errors, 'reason', reason, MAX_REASON);
    if (errors.length > 0) throw new InputError(errors);
    const { actor: who, meta } = actorOf(actor);
    const evict = await this.prisma.$transaction(async (tx) => {
      await lockOwner(tx, `stock-owner:${owner}`);
      const holds = await this.lockHolds(tx, owner);
      if (holds.length === 0) return [];
      return this.releaseHolds(tx, holds.map((h) => ({ ...h, owner })), { actor: who, meta, reason, eventReason: 'release' });
    }, STOCK_TX_OPTIONS);
    await this.caches.evictStock(evict);
    return true;
  }

  /**
   * What `owner` holds is sold under `reference` (an order id): on_hand and reserved drop
   * together. Idempotent per reference; CONFLICT when the owner holds nothing (expired or
   * released) and the reference was never committed.
   */
  async commitStock(actor: StockActor, owner: string, reference: string): Promise<boolean> {
    const errors: FieldError[] = [];
    checkText(errors, 'owner', owner, MAX_OWNER);
    checkText(errors, 'reference', reference, MAX_REFERENCE);
    if (errors.length > 0) throw new InputError(errors);
    const { actor: who, meta } = actorOf(actor);
    const evict = await this.prisma.$transaction(async (tx) => {
      await lockOwner(tx, `stock-owner:${owner}`);
      await lockOwner(tx, `stock-commit:${reference}`);
      if (await this.settled(tx, 'COMMIT', reference)) return [];
      const holds = await this.lockHolds(tx, owner);
      if (holds.length === 0) {
        throw new DomainError(ErrorCode.CONFLICT, `${owner} holds no stock to commit (expired or released)`, { owner, reference });
      }
      const levels = await lockLevelsOfProducts(tx, holds.map((h) => h.sku));
      const movements: Movement[] = holds.map((h) => ({
        sku: h.sku,
        warehouseId: h.warehouseId,
        kind: 'SELL',
        onHandDelta: -h.quantity,
        reservedDelta: -h.quantity,
        reference,
        reason: `sold (held by ${owner})`,
      }));
      const changed = await applyMovements(tx, levels, movements, { actor: who, eventReason: 'sold', meta });
      await tx.$executeRaw`DELETE FROM inventory.stock_hold WHERE owner = ${owner}`;
      await tx.$executeRaw`INSERT INTO inventory.stock_settlement (kind, reference, owner) VALUES ('COMMIT', ${reference}, ${owner})`;
      return changed;
    }, STOCK_TX_OPTIONS);
    await this.caches.evictStock(evict);
    return true;
  }

  /**
   * Sold units come back on hand: into the warehouses that sold them under `reference`
   * (SELL movements), the rest into the SKU's first warehouse by code. Idempotent per reference.
   */
  async returnStock(actor: StockActor, reference: string, lines: readonly StockLine[], reason: string): Promise<boolean> {
    const errors: FieldError[] = [];
    checkText(errors, 'reference', reference, MAX_REFERENCE);
    checkText(errors, 'reason', reason, MAX_REASON);
    if (lines.length === 0) errors.push({ field: 'lines', message: 'must list what comes back' });
    checkLines(errors, lines, 1);
    if (errors.length > 0) throw new InputError(errors);
    const { actor: who, meta } = actorOf(actor);
    const evict = await this.prisma.$transaction(async (tx) => {
      await lockOwner(tx, `stock-return:${reference}`);
      if (await this.settled(tx, 'RETURN', reference)) return [];
      const levels = await lockLevelsOfProducts(tx, lines.map((l) => l.sku));
      const sold = await tx.$queryRaw<Array<{ sku: string; warehouseId: string; quantity: number }>>`
        SELECT sku, warehouse_id::text AS "warehouseId", -sum(on_hand_delta)::int AS quantity
        FROM inventory.stock_movement WHERE kind = 'SELL' AND reference = ${reference} GROUP BY sku, warehouse_id`;
      const movements: Movement[] = [];
      for (const [index, line] of lines.entries()) {
        const skuLevels = [...levels.values()].filter((l) => l.sku === line.sku).sort(byWarehouseCode);
        if (skuLevels.length === 0) throw InputError.of(`lines.${index}.sku`, `is not a SKU inventory knows (${line.sku})`);
        let left = line.quantity;
        for (const level of skuLevels) {
          const fromHere = sold.find((s) => s.sku === line.sku && s.warehouseId === level.warehouseId)?.quantity ?? 0;
          const back = Math.min(left, fromHere);
          if (back <= 0) continue;
          movements.push({ sku: level.sku, warehouseId: level.warehouseId, kind: 'RETURN', onHandDelta: back, reservedDelta: 0, reference, reason });
          left -= back;
        }
        if (left > 0) movements.push({ sku: line.sku, warehouseId: skuLevels[0]!.warehouseId, kind: 'RETURN', onHandDelta: left, reservedDelta: 0, reference, reason });
      }
      const changed = await applyMovements(tx, levels, movements, { actor: who, eventReason: 'returned', meta });
      await tx.$executeRaw`INSERT INTO inventory.stock_settlement (kind, reference) VALUES ('RETURN', ${reference})`;
      return changed;
    }, STOCK_TX_OPTIONS);
    await this.caches.evictStock(evict);
    return true;
  }

  /**
   * Releases holds whose time is up, a batch at a time. `FOR UPDATE SKIP LOCKED`: several
   * instances run this side by side, each takes rows no other has, and a holder changing its
   * hold right now is skipped (its renewed expiry wins). Returns how many holds it released.
   */
  async expireHolds(batchSize = 500): Promise<number> {
    const { count, evict } = await this.prisma.$transaction(async (tx) => {
      const expired = await tx.$queryRaw<Array<HoldRow & { owner: string }>>`
        SELECT owner, sku, warehouse_id::text AS "warehouseId", quantity FROM inventory.stock_hold
        WHERE expires_at <= now() ORDER BY owner, sku, warehouse_id LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`;
      if (expired.length === 0) return { count: 0, evict: [] };
      const evict = await this.releaseHolds(tx, expired, { actor: 'job stock-expiry', meta: { actor: 'job stock-expiry' }, reason: 'expired', eventReason: 'expired' });
      return { count: expired.length, evict };
    }, STOCK_TX_OPTIONS);
    await this.caches.evictStock(evict);
    return count;
  }

  /** What `owner` holds now, per SKU (tests, admin tools). */
  async heldBy(owner: string): Promise<StockLine[]> {
    return this.prisma.$queryRaw<StockLine[]>`
      SELECT sku, sum(quantity)::int AS quantity FROM inventory.stock_hold WHERE owner = ${owner} GROUP BY sku ORDER BY sku`;
  }

  private lockHolds(tx: Tx, owner: string): Promise<HoldRow[]> {
    return tx.$queryRaw<HoldRow[]>`
      SELECT sku, warehouse_id::text AS "warehouseId", quantity FROM inventory.stock_hold WHERE owner = ${owner} ORDER BY sku, warehouse_id FOR UPDATE`;
  }

  private async settled(tx: Tx, kind: 'COMMIT' | 'RETURN', reference: string): Promise<boolean> {
    const rows = await tx.$queryRaw<unknown[]>`SELECT 1 AS done FROM inventory.stock_settlement WHERE kind = ${kind} AND reference = ${reference}`;
    return rows.length > 0;
  }

  /** Gives locked hold rows back to available stock and deletes them. */
  private async releaseHolds(
    tx: Tx,
    holds: ReadonlyArray<HoldRow & { owner: string }>,
    options: { actor: string; meta: { actor: string; requestId?: string }; reason: string; eventReason: string },
  ) {
    const levels = await lockLevelsOfProducts(tx, holds.map((h) => h.sku));
    const movements: Movement[] = holds.map((h) => ({
      sku: h.sku,
      warehouseId: h.warehouseId,
      kind: 'RELEASE',
      onHandDelta: 0,
      reservedDelta: -h.quantity,
      reference: h.owner,
      reason: options.reason,
    }));
    const changed = await applyMovements(tx, levels, movements, { actor: options.actor, eventReason: options.eventReason, meta: options.meta, bumpVersion: false });
    await tx.$executeRaw`
      DELETE FROM inventory.stock_hold h USING jsonb_to_recordset(${JSON.stringify(holds)}::jsonb) AS v(owner text, sku text, "warehouseId" uuid)
      WHERE h.owner = v.owner AND h.sku = v.sku AND h.warehouse_id = v."warehouseId"`;
    return changed;
  }
}
