import { InputError } from '@shopgraph/kit';
import type { OrderLoaders } from '../loaders.js';

export const MAX_SALES_WINDOW_DAYS = 365;

export interface SalesReadContext {
  loaders: OrderLoaders;
}

/** Sales figures the storefront may show ("312 sold this month"). */
export class SalesService {
  unitsSold(ctx: SalesReadContext, productId: string, days: number): Promise<number> {
    if (!Number.isInteger(days) || days < 1 || days > MAX_SALES_WINDOW_DAYS) {
      throw InputError.of('days', `must be an integer from 1 to ${MAX_SALES_WINDOW_DAYS}`);
    }
    return ctx.loaders.unitsSold.load({ days, productId });
  }
}
