import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '@shopgraph/kit';
import { addressSchema, emailSchema, parseInput, registerSchema } from '../src/services/account/accountInput.js';

/** Pure rules of the accounts' input: what is accepted is stored as is, and stays accepted. */
const countries = fc.constantFrom('US', 'DE', 'FR', 'GB', 'NL');
const rawAddress = fc.record({
  name: fc.string({ maxLength: 210 }),
  line1: fc.string({ maxLength: 210 }),
  line2: fc.option(fc.string({ maxLength: 210 })),
  city: fc.string({ maxLength: 210 }),
  postalCode: fc.oneof(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 -]{1,14}$/), fc.string({ maxLength: 20 })),
  region: fc.oneof(countries, countries.map((c) => `${c.toLowerCase()}-ca`), fc.string({ maxLength: 8 })),
  country: fc.oneof(countries, countries.map((c) => c.toLowerCase()), fc.string({ maxLength: 3 })),
  phone: fc.option(fc.oneof(fc.stringMatching(/^\+?[0-9 ()./-]{4,30}$/), fc.string({ maxLength: 12 }))),
});

describe('account input', () => {
  it('accepts an address only in its stored form: normalising again changes nothing, and the database CHECKs hold', () => {
    fc.assert(
      fc.property(rawAddress, (raw) => {
        let parsed;
        try {
          parsed = parseInput(addressSchema, raw, 'input');
        } catch (err) {
          // A refusal always names fields of the input.
          expect(err).toBeInstanceOf(InputError);
          for (const f of (err as InputError).fieldErrors) expect(f.field).toMatch(/^input\.(name|line1|line2|city|postalCode|region|country|phone)$/);
          return;
        }
        expect(parseInput(addressSchema, parsed, 'input')).toEqual(parsed);
        expect(parsed.country).toMatch(/^[A-Z]{2}$/);
        expect(parsed.region.slice(0, 2)).toBe(parsed.country);
        for (const text of [parsed.name, parsed.line1, parsed.city]) expect(text.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('stores emails lower-cased and trimmed, so two spellings of one address are one key', () => {
    fc.assert(
      fc.property(fc.emailAddress(), fc.boolean(), (email, shout) => {
        const spelled = ` ${shout ? email.toUpperCase() : email} `;
        const a = emailSchema.safeParse(email);
        const b = emailSchema.safeParse(spelled);
        expect(b.success).toBe(a.success);
        if (a.success && b.success) expect(b.data).toBe(a.data);
        if (b.success) expect(b.data).toBe(b.data.toLowerCase());
      }),
      { numRuns: 300 },
    );
  });

  it('never accepts a password that is the email, in any case', () => {
    fc.assert(
      fc.property(fc.emailAddress().filter((e) => e.length >= 10 && e.length <= 254), (email) => {
        const result = registerSchema.safeParse({ email, password: email.toUpperCase(), name: 'A' });
        expect(result.success).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
