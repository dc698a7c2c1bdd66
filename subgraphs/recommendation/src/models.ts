import type { Prisma } from '@shopgraph/kit';
import type { ReasonKind } from './algorithms/personalised.js';

/** An entity reference to a product the catalog owns. */
export interface ProductRefModel {
  id: string;
}

export interface ReasonModel {
  kind: ReasonKind;
  productId: string | null;
  category: string | null;
}

export interface TrendingProductModel {
  productId: string;
  score: number;
  reason: ReasonModel;
}

export interface RecommendationModel {
  productId: string;
  score: number;
  reason: ReasonModel;
}

export interface AssociatedProductModel {
  /** The product it was bought with. */
  anchorId: string;
  productId: string;
  support: number;
  confidence: number;
  lift: number;
}

export interface BundleModel {
  anchorId: string;
  productIds: string[];
  total: Prisma.Decimal;
  currency: string;
  confidence: number;
}

// ---------------------------------------------------------------- rows as cached

/** What serving needs of a product's facts (reco.product_facts). */
export interface FactsRow {
  productId: string;
  categoryIds: string[];
  categoryNames: string[];
  brandId: string | null;
  price: Prisma.Decimal | null;
  currency: string | null;
  active: boolean;
  inStock: boolean;
  consumable: boolean;
}

/** One precomputed rule of a product (reco.also_bought, reco.bought_together), best first. */
export interface RuleRow {
  productId: string;
  otherProductId: string;
  support: number;
  confidence: number;
  lift: number;
}

/** One of a customer's precomputed recommendations (reco.customer_recommendation), best first. */
export interface PersonalRow {
  customerId: string;
  productId: string;
  score: number;
  reason: ReasonKind;
  reasonProductId: string | null;
  reasonCategory: string | null;
}

/** A product a customer bought that is not consumable. */
export interface PurchasedRow {
  customerId: string;
  productId: string;
}

/** A trending product before the availability filter (reco.trending_score). */
export interface TrendingRow {
  productId: string;
  score: number;
  /** Names parallel to the product's category ids, for the reason. */
  categoryIds: string[];
  categoryNames: string[];
}

// ---------------------------------------------------------------- analytics

/** One day's (or a range's) figures as the analytics service computes them; revenue null when the currency is unknown. */
export interface AnalyticsFiguresModel {
  views: number;
  cartAdds: number;
  purchases: number;
  units: number;
  revenue: { amount: string; currency: string } | null;
  conversionRate: number | null;
}

export interface ProductAnalyticsModel {
  productId: string;
  from: string;
  to: string;
  days: Array<AnalyticsFiguresModel & { day: string }>;
  totals: AnalyticsFiguresModel;
}

export interface ProductRankingModel {
  productId: string;
  totals: AnalyticsFiguresModel;
}
