/**
 * A "frequently bought together" bundle: the product and up to two companions from its
 * bought-together rules, best first, that can be bought now (active, in stock, priced in
 * the same currency), with the exact combined price.
 */
import { Prisma } from '@shopgraph/kit';

export interface BundleFacts {
  productId: string;
  active: boolean;
  inStock: boolean;
  price: Prisma.Decimal | null;
  currency: string | null;
}

export interface BundleRule {
  otherProductId: string;
  confidence: number;
}

export interface Bundle {
  /** The anchor first, then its companions. */
  productIds: string[];
  total: Prisma.Decimal;
  currency: string;
  /** The weakest companion's confidence: how often buyers of the anchor took it too. */
  confidence: number;
}

export const MAX_BUNDLE_COMPANIONS = 2;

const buyable = (f: BundleFacts | undefined): f is BundleFacts & { price: Prisma.Decimal; currency: string } =>
  f !== undefined && f.active && f.inStock && f.price !== null && f.currency !== null;

/** Null when the anchor cannot be bought or no companion can. `rules` are best first. */
export function assembleBundle(
  anchor: BundleFacts | undefined,
  rules: readonly BundleRule[],
  facts: (productId: string) => BundleFacts | undefined,
  maxCompanions = MAX_BUNDLE_COMPANIONS,
): Bundle | null {
  if (!buyable(anchor)) return null;
  const productIds = [anchor.productId];
  let total = new Prisma.Decimal(anchor.price);
  let confidence = 1;
  for (const rule of rules) {
    if (productIds.length > maxCompanions) break;
    const other = facts(rule.otherProductId);
    if (!buyable(other) || other.currency !== anchor.currency || productIds.includes(other.productId)) continue;
    productIds.push(other.productId);
    total = total.plus(other.price);
    confidence = Math.min(confidence, rule.confidence);
  }
  if (productIds.length === 1) return null;
  return { productIds, total, currency: anchor.currency, confidence };
}
