import type { Resolvers } from '../generated/resolvers-types.js';
import { Query } from './Query.js';
import { TrendingProduct } from './TrendingProduct.js';

export const resolvers: Resolvers = { Query, TrendingProduct };
