import { scalarResolvers } from '@shopgraph/kit';
import type { Resolvers } from '../generated/resolvers-types.js';
import { Product } from './Product.js';
import { Subscription } from './Subscription.js';

export const resolvers: Resolvers = { DateTime: scalarResolvers.DateTime, Product, Subscription };
