// Product names, descriptions and attributes that read like a real shop's listings.
import type { Rng } from './random.js';
import { pickSome } from './random.js';
import type { Family, LeafDef } from './taxonomy.js';

export interface ProductCopy {
  name: string;
  description: string;
  attributes: Record<string, unknown>;
}

interface CopyContext {
  name: string;
  noun: string;
  modifier: string;
  brand: string;
  attributes: Record<string, unknown>;
  plural: boolean;
}

type Line = (c: CopyContext) => string;

interface FamilyCopy {
  /** Range-name words put in front of the product type ("Harbor Linen Maxi Dress"). */
  styles: readonly string[];
  /** Chance the modifier (material / model descriptor) appears in the name. */
  modifierInName: number;
  attributes(rng: Rng, modifier: string, department: string): Record<string, unknown>;
  openers: readonly Line[];
  features: readonly string[];
  closers: readonly Line[];
}

const lower = (text: string) => text.toLowerCase();
const article = (word: string) => (/^[aeiou]/i.test(word) ? 'an' : 'a');
const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
/** "Chinos", "Hoop Earrings" (but not "Wrap Dress"): these take no article and plural verbs. */
const isPlural = (noun: string) => /[^s]s$/.test(noun);
/** Sentence start: "A linen shirt", "An oversized-fit tee", "Tapered chinos". */
const opening = (c: CopyContext, phrase: string) =>
  c.plural ? capitalise(phrase) : `${capitalise(article(phrase))} ${phrase}`;
/** Verb agreeing with the product noun: verb(c, 'is', 'are'). */
const verb = (c: CopyContext, singular: string, plural: string) => (c.plural ? plural : singular);
const str = (value: unknown) => String(value);

const CARE = ['Machine wash cold', 'Machine wash at 30°C', 'Hand wash only', 'Dry clean only'];
const SUSTAINABILITY = [
  'GOTS certified organic',
  'Recycled fibres',
  'Fair Trade certified',
  'Responsible Wool Standard',
];

const clothingLike =
  (fits: readonly string[]) =>
  (rng: Rng, modifier: string): Record<string, unknown> => {
    const attributes: Record<string, unknown> = { material: modifier, fit: rng.pick(fits), care: rng.pick(CARE) };
    if (rng.chance(0.3)) attributes.sustainability = rng.pick(SUSTAINABILITY);
    return attributes;
  };

const BEAUTY: Record<string, { suitableFor: readonly string[]; ingredients: readonly string[]; notes: boolean }> = {
  skincare: {
    suitableFor: ['All skin types', 'Dry skin', 'Oily skin', 'Sensitive skin', 'Combination skin'],
    ingredients: [
      'Hyaluronic acid',
      'Niacinamide',
      'Ceramides',
      'Squalane',
      'Vitamin C',
      'Green tea extract',
      'Panthenol',
    ],
    notes: false,
  },
  makeup: {
    suitableFor: ['All skin types', 'Sensitive skin', 'Dry skin', 'Oily skin'],
    ingredients: ['Jojoba oil', 'Vitamin E', 'Shea butter', 'Hyaluronic acid', 'Mineral pigments'],
    notes: false,
  },
  fragrance: {
    suitableFor: ['Unisex', 'Women', 'Men'],
    ingredients: ['bergamot', 'pink pepper', 'jasmine', 'cedarwood', 'vanilla', 'sandalwood', 'iris', 'sea salt'],
    notes: true,
  },
  hair: {
    suitableFor: ['All hair types', 'Curly hair', 'Fine hair', 'Colour-treated hair', 'Dry, damaged hair'],
    ingredients: ['Argan oil', 'Keratin', 'Biotin', 'Rosemary oil', 'Aloe vera', 'Rice protein'],
    notes: false,
  },
};

const COPY: Record<Family, FamilyCopy> = {
  clothing: {
    styles: [
      'Harbor',
      'Everyday',
      'Weekend',
      'Coastal',
      'Studio',
      'Heritage',
      'Nomad',
      'Meadow',
      'Soho',
      'Alpine',
      'Riviera',
      'Atlas',
      'Willow',
      'Union',
      'Cove',
      'Sierra',
      'Camden',
      'Marais',
      'Portofino',
      'Highland',
    ],
    modifierInName: 0.6,
    attributes: clothingLike(['Regular', 'Relaxed', 'Slim', 'Oversized', 'Tailored']),
    openers: [
      (c) =>
        `${opening(c, `${lower(str(c.attributes.fit))}-fit ${lower(c.noun)}`)} in ${lower(c.modifier)}, made to be worn on repeat.`,
      (c) => {
        const fit = lower(str(c.attributes.fit));
        return `${c.brand}'s ${lower(c.noun)} ${verb(c, 'is', 'are')} cut from ${lower(c.modifier)} for ${article(fit)} ${fit} fit.`;
      },
      (c) =>
        `${opening(c, `easy ${lower(c.noun)}`)} in soft ${lower(c.modifier)} that ${verb(c, 'works', 'work')} from weekday to weekend.`,
    ],
    features: [
      'Finished with tonal stitching and a clean turned hem.',
      'Side pockets keep the essentials close.',
      'Garment-washed for a lived-in softness from the first wear.',
      'Breathable and easy to layer through the seasons.',
      'Designed to pair with the rest of the collection.',
      'A touch of stretch keeps it comfortable all day.',
    ],
    closers: [
      () => `Model is 5'9" and wears a size S.`,
      (c) => `${str(c.attributes.care)} and line dry to keep its shape.`,
      () => 'Take your usual size, or size up for a looser look.',
    ],
  },
  kidswear: {
    styles: [
      'Little Explorer',
      'Playground',
      'Sunny Days',
      'Adventure',
      'Cosy',
      'Rainbow',
      'Woodland',
      'Seaside',
      'Stargazer',
    ],
    modifierInName: 0.4,
    attributes: clothingLike(['Regular', 'Relaxed']),
    openers: [
      (c) => `${opening(c, lower(c.noun))} in ${lower(c.modifier)} that ${verb(c, 'keeps', 'keep')} up with busy days.`,
      (c) =>
        `Soft ${lower(c.modifier)} and an easy fit make ${verb(c, 'this', 'these')} ${lower(c.noun)} a playtime favourite.`,
    ],
    features: [
      'Reinforced seams stand up to climbing, crawling and everything in between.',
      'Tagless neck label for comfort against sensitive skin.',
      'Pre-shrunk so it keeps its size wash after wash.',
      'Made without harmful dyes or finishes.',
    ],
    closers: [() => 'Machine washable at 40°C.', () => 'Sized by age; check the size guide for height.'],
  },
  footwear: {
    styles: ['Metro', 'Trail', 'Cloud', 'Heritage', 'Weekend', 'City', 'Summit', 'Harbor', 'Riviera', 'Atlas'],
    modifierInName: 0.5,
    attributes: (rng, modifier) => ({
      upper: modifier,
      lining: rng.pick(['Leather', 'Textile', 'Recycled polyester']),
      sole: rng.pick(['Rubber', 'EVA foam', 'Leather', 'Crepe rubber']),
      fit: rng.pick(['True to size', 'Runs small, size up', 'Wide fit']),
    }),
    openers: [
      (c) => `${capitalise(lower(c.noun))} with a ${lower(c.modifier)} upper and a cushioned footbed.`,
      (c) => `A versatile pair of ${lower(c.noun)}, crafted in ${lower(c.modifier)} by ${c.brand}.`,
    ],
    features: [
      'The rubber outsole grips on wet pavements.',
      'A padded collar and removable insole add all-day comfort.',
      'Stitched, not glued, so the sole can be replaced.',
      'Light enough to pack for travel.',
    ],
    closers: [(c) => `Fit: ${lower(str(c.attributes.fit))}.`, () => 'Wipe clean with a damp cloth.'],
  },
  accessories: {
    styles: ['Everyday', 'Heritage', 'Atlas', 'Soho', 'Riviera', 'Marais', 'Willow', 'Luna', 'Signature', 'Orbit'],
    modifierInName: 0.5,
    attributes: (rng, modifier) => ({
      material: modifier,
      care: rng.pick(['Wipe clean', 'Store in the dust bag', 'Polish with a soft cloth']),
    }),
    openers: [
      (c) => `${opening(c, lower(c.noun))} in ${lower(c.modifier)}, finished by hand.`,
      (c) =>
        `Our ${lower(c.noun)} ${verb(c, 'pairs', 'pair')} clean lines with ${lower(c.modifier)} built to age well.`,
    ],
    features: [
      'Hardware is nickel-free and tarnish-resistant.',
      'Sized for the everyday essentials.',
      'Arrives in a recycled gift box.',
      'Edges are painted and burnished by hand.',
    ],
    closers: [(c) => `Care: ${lower(str(c.attributes.care))}.`, () => 'Designed to be worn every day.'],
  },
  home: {
    styles: [
      'Oslo',
      'Kyoto',
      'Lisbon',
      'Marais',
      'Nordic',
      'Terra',
      'Dune',
      'Hearth',
      'Linden',
      'Bay',
      'Alder',
      'Fjord',
      'Sienna',
    ],
    modifierInName: 0.6,
    attributes: (rng, modifier) => ({
      material: modifier,
      care: rng.pick(['Machine washable', 'Hand wash', 'Dishwasher safe', 'Wipe clean', 'Spot clean only']),
      origin: rng.pick(['Portugal', 'India', 'Turkey', 'Vietnam', 'Italy', 'Lithuania']),
    }),
    openers: [
      (c) =>
        `${opening(c, lower(c.noun))} in ${lower(c.modifier)} that ${verb(c, 'brings', 'bring')} warmth to any room.`,
      (c) =>
        `${c.brand}'s ${lower(c.noun)} ${verb(c, 'is', 'are')} made from ${lower(c.modifier)} and designed to last.`,
      (c) =>
        `Made from ${lower(c.modifier)}, ${verb(c, 'this', 'these')} ${lower(c.noun)} ${verb(c, 'balances', 'balance')} form and function.`,
    ],
    features: [
      'Responsibly sourced materials throughout.',
      'Made in small batches by a family-run workshop.',
      'Designed to mix and match with the rest of the collection.',
      'Each piece varies slightly, so yours is one of a kind.',
      'Tested to last through years of daily use.',
    ],
    closers: [(c) => `Made in ${str(c.attributes.origin)}.`, () => 'Ships in plastic-free packaging.'],
  },
  electronics: {
    styles: ['Nova', 'Orbit', 'Vector', 'Flux', 'Arc', 'Core', 'Aero', 'Halo', 'Prism', 'Volt', 'Zen', 'Pulse', 'Axis'],
    modifierInName: 0.7,
    attributes: (rng, _modifier, department) => {
      const attributes: Record<string, unknown> = {
        connectivity: rng.pick(['Bluetooth 5.3', 'Wi-Fi 6', 'USB-C', 'Wi-Fi + Bluetooth', 'Matter over Thread']),
        warrantyMonths: rng.pick([12, 24]),
        weightGrams: rng.int(20, 900),
      };
      if (department === 'audio' || department === 'wearables') attributes.batteryLifeHours = rng.int(6, 60);
      return attributes;
    },
    openers: [
      (c) =>
        `The ${c.name} is built for everyday use, with ${str(c.attributes.connectivity)} and a ${str(c.attributes.warrantyMonths)}-month warranty.`,
      (c) => `${c.brand} designed the ${c.name} to set up in minutes and stay out of your way.`,
    ],
    features: [
      'Firmware updates arrive over the air.',
      'The housing uses recycled aluminium and plastics.',
      'A USB-C cable is included in the box.',
      'Controls are simple enough for the whole household.',
    ],
    closers: [() => 'Works with iOS, Android, Windows and macOS.', () => 'Ships with a quick-start guide.'],
  },
  beauty: {
    styles: ['Daily', 'Dew', 'Glow', 'Velvet', 'Pure', 'Bloom', 'Radiance', 'Calm', 'Silk', 'Cloud', 'Botanic'],
    modifierInName: 0.7,
    attributes: (rng, _modifier, department) => {
      const profile = BEAUTY[department] ?? BEAUTY.skincare!;
      const picked = pickSome(rng, profile.ingredients, 2, false);
      return {
        suitableFor: rng.pick(profile.suitableFor),
        [profile.notes ? 'notes' : 'keyIngredients']: picked,
        vegan: rng.chance(0.6),
        crueltyFree: true,
      };
    },
    openers: [
      (c) =>
        Array.isArray(c.attributes.notes)
          ? `${c.name} opens with ${c.attributes.notes[0]} and settles into ${c.attributes.notes[1]}.`
          : `${c.name} is formulated with ${lower((c.attributes.keyIngredients as string[]).join(' and '))} for ${lower(str(c.attributes.suitableFor))}.`,
    ],
    features: [
      'Free from parabens and sulphates.',
      'Packaged in recycled, recyclable materials.',
      'Never tested on animals.',
      'A little goes a long way.',
    ],
    closers: [() => 'Patch test before first use.', () => 'Best used within 12 months of opening.'],
  },
};

export function productCopy(rng: Rng, family: Family, department: string, leaf: LeafDef, brand: string): ProductCopy {
  const copy = COPY[family];
  const noun = rng.pick(leaf.nouns);
  const modifier = rng.pick(leaf.modifiers);
  const style = rng.pick(copy.styles);
  const name = rng.chance(copy.modifierInName) ? `${style} ${modifier} ${noun}` : `${style} ${noun}`;
  const attributes = copy.attributes(rng, modifier, department);
  const context: CopyContext = { name, noun, modifier, brand, attributes, plural: isPlural(noun) };
  const features = pickSome(rng, copy.features, rng.int(1, 2), false);
  const description = [rng.pick(copy.openers)(context), ...features, rng.pick(copy.closers)(context)].join(' ');
  return { name, description, attributes };
}
