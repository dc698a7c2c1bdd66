export interface TrendingProductModel {
  productId: string;
  score: number;
}
