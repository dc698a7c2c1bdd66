import { scalarResolvers } from '@shopgraph/kit';
import type { Resolvers } from '../generated/resolvers-types.js';
import { LowStockLevel } from './LowStockLevel.js';
import { Product } from './Product.js';
import { ProductVariant } from './ProductVariant.js';
import { Query } from './Query.js';
import { WarehouseStock } from './WarehouseStock.js';

export const resolvers: Resolvers = { DateTime: scalarResolvers.DateTime, Query, LowStockLevel, Product, ProductVariant, WarehouseStock };
