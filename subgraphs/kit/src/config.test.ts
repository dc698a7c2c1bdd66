import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_COMMERCE_SETTINGS, environmentDefault, loadServiceConfig, parseTaxRates, serviceEnvironmentDefault } from './config.js';

describe('stock and cart settings', () => {
  it('default to a 30 minute hold, 7 and 30 day carts and the demo regions', () => {
    const config = loadServiceConfig('cart', {});
    expect(config.commerce).toMatchObject({ stockHoldTtlSeconds: 1800, stockExpiryIntervalSeconds: 30, cartGuestTtlDays: 7, cartCustomerTtlDays: 30 });
    expect(config.commerce.taxRates).toMatchObject({ DE: '0.19', 'US-CA': '0.0725', US: '0' });
    expect(config.subgraphUrls.inventory).toBe('http://localhost:4002/graphql');
    // Tests run the background jobs themselves.
    expect(DEFAULT_COMMERCE_SETTINGS.stockExpiryIntervalSeconds).toBe(0);
  });

  it('read the environment and refuse bad values by name', () => {
    const config = loadServiceConfig('inventory', { STOCK_HOLD_TTL_SECONDS: '600', TAX_RATES: 'DE=0.19, AT=0.2', INVENTORY_SUBGRAPH_URL: 'http://inventory:4002/graphql' });
    expect(config.commerce.stockHoldTtlSeconds).toBe(600);
    expect(config.commerce.taxRates).toEqual({ DE: '0.19', AT: '0.2' });
    expect(config.subgraphUrls.inventory).toBe('http://inventory:4002/graphql');
    expect(() => loadServiceConfig('cart', { TAX_RATES: 'DE=19%' })).toThrow(/TAX_RATES/);
    expect(() => loadServiceConfig('cart', { SHIPPING_FLAT_RATE: '4.999' })).toThrow(/SHIPPING_FLAT_RATE/);
    expect(() => loadServiceConfig('inventory', { STOCK_HOLD_TTL_SECONDS: '1' })).toThrow(/STOCK_HOLD_TTL_SECONDS/);
    expect(parseTaxRates('DE=1.5')).toMatch(/not REGION=RATE/);
  });
});

describe('environmentDefault', () => {
  it("gives a schema variable's plain default as text, and nothing for a variable without one", () => {
    const schema = z.object({ PORT: z.coerce.number().int().default(4000), MODE: z.enum(['a', 'b']).default('b'), URL: z.string().optional() });
    expect(environmentDefault(schema, 'PORT')).toBe('4000');
    expect(environmentDefault(schema, 'MODE')).toBe('b');
    expect(environmentDefault(schema, 'URL')).toBeUndefined();
    expect(environmentDefault(schema, 'NOT_THERE')).toBeUndefined();
    expect(serviceEnvironmentDefault('PRICE_BOUNDARY_INTERVAL_SECONDS')).toBe('5');
  });
});
