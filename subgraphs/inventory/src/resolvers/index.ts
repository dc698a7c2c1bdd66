import { scalarResolvers } from '@shopgraph/kit';
import type { Resolvers } from '../generated/resolvers-types.js';
import { LowStockLevel } from './LowStockLevel.js';
import { Mutation } from './Mutation.js';
import { Product } from './Product.js';
import { ProductVariant } from './ProductVariant.js';
import { Query } from './Query.js';
import { StockLevel } from './StockLevel.js';
import { StockMovement } from './StockMovement.js';
import { WarehouseStock } from './WarehouseStock.js';

export const resolvers: Resolvers = {
  DateTime: scalarResolvers.DateTime,
  Query,
  Mutation,
  LowStockLevel,
  Product,
  ProductVariant,
  StockLevel,
  StockMovement,
  WarehouseStock,
};
