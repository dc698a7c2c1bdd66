import type { Resolvers } from '../generated/resolvers-types.js';
import { Product } from './Product.js';

export const resolvers: Resolvers = { Product };
