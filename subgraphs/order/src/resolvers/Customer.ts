import type { CustomerResolvers } from '../generated/resolvers-types.js';

export const Customer: CustomerResolvers = {
  addresses: (customer, _, ctx) => ctx.loaders.addresses.load(customer.id),
  defaultShippingAddress: async (customer, _, ctx) => (await ctx.loaders.addresses.load(customer.id)).find((a) => a.isDefaultShipping) ?? null,
  defaultBillingAddress: async (customer, _, ctx) => (await ctx.loaders.addresses.load(customer.id)).find((a) => a.isDefaultBilling) ?? null,
};
