// The demo store's category tree (root / department / leaf) and what products in each leaf look like.

/** Decides naming, attributes and description style; brands declare which ones they sell. */
export type Family = 'clothing' | 'kidswear' | 'footwear' | 'accessories' | 'home' | 'electronics' | 'beauty';

export type OptionKey =
  'size' | 'colour' | 'finish' | 'shade' | 'scent' | 'capacity' | 'volume' | 'power' | 'pack' | 'fits' | 'switches';

export interface OptionAxis {
  key: OptionKey;
  values: readonly string[];
  /** How many values one product offers (min, max). */
  count: readonly [number, number];
  /** Ordered axes (sizes, capacities) take a contiguous run; others a random subset. */
  ordered: boolean;
  /** Price increase per step along an ordered axis, e.g. 0.25 = +25% per larger capacity. */
  step: number;
}

export interface LeafDef {
  slug: string;
  name: string;
  /** Product-type nouns, e.g. "Wrap Midi Dress". */
  nouns: readonly string[];
  /** Materials for material families, otherwise model descriptors ("Pro", "Hydrating"). */
  modifiers: readonly string[];
  /** Base price band in dollars. */
  price: readonly [number, number];
  axes: readonly OptionAxis[];
}

export interface DepartmentDef {
  slug: string;
  name: string;
  family: Family;
  leaves: readonly LeafDef[];
}

export interface RootDef {
  slug: string;
  name: string;
  /** Share of the catalogue's products. */
  weight: number;
  departments: readonly DepartmentDef[];
}

const ordered = (
  key: OptionKey,
  values: readonly string[],
  count: readonly [number, number],
  step = 0,
): OptionAxis => ({
  key,
  values,
  count,
  ordered: true,
  step,
});
const choice = (key: OptionKey, values: readonly string[], count: readonly [number, number]): OptionAxis => ({
  key,
  values,
  count,
  ordered: false,
  step: 0,
});
const leaf = (
  slug: string,
  name: string,
  nouns: readonly string[],
  modifiers: readonly string[],
  price: readonly [number, number],
  axes: readonly OptionAxis[],
): LeafDef => ({ slug, name, nouns, modifiers, price, axes });

const ALPHA = ['XS', 'S', 'M', 'L', 'XL', 'XXL'];
const WOMEN_SHOE = ['5', '6', '7', '8', '9', '10', '11'];
const MEN_SHOE = ['7', '8', '9', '10', '11', '12', '13'];
const WOMEN_WAIST = ['24', '25', '26', '27', '28', '29', '30', '31', '32'];
const MEN_WAIST = ['28', '30', '32', '34', '36', '38'];
const COLLAR = ['14.5', '15', '15.5', '16', '16.5', '17', '17.5'];
const KIDS_AGE = ['2-3Y', '4-5Y', '6-7Y', '8-9Y', '10-11Y', '12-13Y'];
const BABY_AGE = ['0-3M', '3-6M', '6-12M', '12-18M', '18-24M'];
const BED = ['Twin', 'Full', 'Queen', 'King'];
const RING = ['5', '6', '7', '8', '9'];

const APPAREL_COLOURS = [
  'Black',
  'White',
  'Navy',
  'Ecru',
  'Charcoal',
  'Grey Marl',
  'Olive',
  'Camel',
  'Burgundy',
  'Sage',
  'Sky Blue',
  'Rust',
  'Stone',
  'Dusty Pink',
  'Forest Green',
  'Cream',
  'Chocolate',
  'Cobalt',
];
const KIDS_COLOURS = ['Navy', 'Red', 'Yellow', 'Sky Blue', 'Pink', 'Green', 'Grey Marl', 'Lilac', 'Orange', 'Stripe'];
const DENIM = ['Light Wash', 'Mid Wash', 'Dark Wash', 'Black', 'Ecru'];
const SHOE_COLOURS = ['Black', 'White', 'Tan', 'Brown', 'Navy', 'Grey', 'Off White', 'Burgundy'];
const LEATHER = ['Black', 'Tan', 'Cognac', 'Dark Brown', 'Oxblood', 'Navy'];
const METALS = ['Gold', 'Silver', 'Rose Gold'];
const HOME_COLOURS = [
  'Natural',
  'White',
  'Oatmeal',
  'Charcoal',
  'Sage',
  'Terracotta',
  'Blush',
  'Slate Blue',
  'Ochre',
  'Forest',
];
const LAMP_FINISHES = ['Brass', 'Matte Black', 'Chrome', 'White', 'Smoked Glass'];
const TECH_COLOURS = ['Black', 'White', 'Silver', 'Space Grey', 'Midnight Blue', 'Sage', 'Sand'];
const LIP_SHADES = [
  'Nude',
  'Rosewood',
  'Berry',
  'Classic Red',
  'Coral',
  'Mauve',
  'Plum',
  'Pink Petal',
  'Brick',
  'Cherry',
  'Toffee',
  'Fuchsia',
];
const SKIN_SHADES = [
  '010 Porcelain',
  '020 Ivory',
  '030 Light',
  '040 Light Neutral',
  '050 Medium',
  '060 Medium Warm',
  '070 Tan',
  '080 Golden',
  '090 Caramel',
  '100 Deep',
  '110 Espresso',
  '120 Ebony',
];
const SCENTS = [
  'Fig & Cedar',
  'Sea Salt & Sage',
  'Amber & Oud',
  'Fresh Linen',
  'Tobacco & Vanilla',
  'Orange Blossom',
  'Wild Mint',
];

const apparel = (sizes: readonly string[], colours: readonly string[] = APPAREL_COLOURS) => [
  ordered('size', sizes, [2, 4]),
  choice('colour', colours, [1, 3]),
];
const shoes = (sizes: readonly string[]) => [ordered('size', sizes, [3, 4]), choice('colour', SHOE_COLOURS, [1, 3])];
const kids = (sizes: readonly string[]) => [ordered('size', sizes, [2, 4]), choice('colour', KIDS_COLOURS, [1, 3])];

const DRESS_FABRICS = ['Linen', 'Cotton Poplin', 'Satin', 'Viscose', 'Broderie Cotton', 'Jersey', 'Chiffon'];

export const TAXONOMY: readonly RootDef[] = [
  {
    slug: 'women',
    name: 'Women',
    weight: 0.24,
    departments: [
      {
        slug: 'dresses',
        name: 'Dresses',
        family: 'clothing',
        leaves: [
          leaf(
            'maxi',
            'Maxi Dresses',
            ['Maxi Dress', 'Tiered Maxi Dress', 'Slip Maxi Dress', 'Shirt Maxi Dress'],
            DRESS_FABRICS,
            [49, 189],
            apparel(ALPHA),
          ),
          leaf(
            'midi',
            'Midi Dresses',
            ['Midi Dress', 'Wrap Midi Dress', 'Pleated Midi Dress', 'Shirt Dress'],
            DRESS_FABRICS,
            [45, 169],
            apparel(ALPHA),
          ),
          leaf(
            'mini',
            'Mini Dresses',
            ['Mini Dress', 'Smock Mini Dress', 'Knit Mini Dress', 'Slip Dress'],
            DRESS_FABRICS,
            [35, 129],
            apparel(ALPHA),
          ),
          leaf(
            'wrap',
            'Wrap Dresses',
            ['Wrap Dress', 'Tie-Waist Wrap Dress', 'Printed Wrap Dress'],
            ['Jersey', 'Viscose', 'Crepe', 'Silk'],
            [45, 149],
            apparel(ALPHA),
          ),
        ],
      },
      {
        slug: 'tops',
        name: 'Tops',
        family: 'clothing',
        leaves: [
          leaf(
            't-shirts',
            'T-Shirts',
            ['Crew Neck Tee', 'V-Neck Tee', 'Boxy Tee', 'Ribbed Tank', 'Long Sleeve Tee'],
            ['Organic Cotton', 'Pima Cotton', 'Slub Jersey', 'Linen Blend'],
            [14, 45],
            apparel(ALPHA),
          ),
          leaf(
            'blouses',
            'Blouses & Shirts',
            ['Blouse', 'Pussy-Bow Blouse', 'Poplin Shirt', 'Oversized Shirt', 'Camisole'],
            ['Silk', 'Satin', 'Cotton Poplin', 'Linen', 'Crepe'],
            [29, 119],
            apparel(ALPHA),
          ),
          leaf(
            'knitwear',
            'Knitwear',
            ['Crew Neck Jumper', 'Cardigan', 'Turtleneck', 'Knitted Vest'],
            ['Merino Wool', 'Cashmere', 'Cotton', 'Alpaca Blend'],
            [39, 179],
            apparel(ALPHA),
          ),
        ],
      },
      {
        slug: 'bottoms',
        name: 'Bottoms',
        family: 'clothing',
        leaves: [
          leaf(
            'jeans',
            'Jeans',
            ['Straight Jeans', 'Wide Leg Jeans', 'Skinny Jeans', 'Mom Jeans', 'Bootcut Jeans'],
            ['Stretch Denim', 'Rigid Denim', 'Organic Denim', 'Recycled Denim'],
            [39, 129],
            [ordered('size', WOMEN_WAIST, [3, 4]), choice('colour', DENIM, [1, 3])],
          ),
          leaf(
            'trousers',
            'Trousers',
            ['Wide Leg Trousers', 'Tailored Trousers', 'Cigarette Trousers', 'Cargo Trousers', 'Pleated Trousers'],
            ['Linen', 'Wool Blend', 'Cotton Twill', 'Crepe'],
            [35, 129],
            apparel(ALPHA),
          ),
          leaf(
            'skirts',
            'Skirts',
            ['Midi Skirt', 'Mini Skirt', 'Pleated Skirt', 'Slip Skirt', 'A-Line Skirt'],
            ['Satin', 'Denim', 'Linen', 'Wool', 'Corduroy'],
            [29, 99],
            apparel(ALPHA),
          ),
        ],
      },
      {
        slug: 'outerwear',
        name: 'Coats & Jackets',
        family: 'clothing',
        leaves: [
          leaf(
            'coats',
            'Coats',
            ['Wrap Coat', 'Trench Coat', 'Longline Coat', 'Car Coat', 'Puffer Coat'],
            ['Wool Blend', 'Cotton Gabardine', 'Double-Faced Wool', 'Recycled Nylon'],
            [99, 399],
            apparel(ALPHA),
          ),
          leaf(
            'jackets',
            'Jackets',
            ['Denim Jacket', 'Biker Jacket', 'Blazer', 'Quilted Jacket', 'Bomber Jacket'],
            ['Organic Denim', 'Suede', 'Linen', 'Recycled Nylon', 'Leather'],
            [59, 299],
            apparel(ALPHA),
          ),
        ],
      },
      {
        slug: 'shoes',
        name: 'Shoes',
        family: 'footwear',
        leaves: [
          leaf(
            'sneakers',
            'Sneakers',
            ['Low-Top Sneakers', 'Runner Sneakers', 'Platform Sneakers', 'Court Sneakers'],
            ['Leather', 'Canvas', 'Suede', 'Recycled Knit'],
            [49, 169],
            shoes(WOMEN_SHOE),
          ),
          leaf(
            'boots',
            'Boots',
            ['Ankle Boots', 'Chelsea Boots', 'Knee-High Boots', 'Lace-Up Boots'],
            ['Leather', 'Suede', 'Waterproof Leather'],
            [79, 249],
            shoes(WOMEN_SHOE),
          ),
          leaf(
            'sandals',
            'Sandals',
            ['Slide Sandals', 'Strappy Sandals', 'Espadrilles', 'Flatform Sandals'],
            ['Leather', 'Raffia', 'Suede', 'Canvas'],
            [25, 99],
            shoes(WOMEN_SHOE),
          ),
          leaf(
            'heels',
            'Heels',
            ['Block Heel Pumps', 'Slingback Heels', 'Mules', 'Kitten Heels'],
            ['Leather', 'Patent Leather', 'Suede', 'Satin'],
            [49, 179],
            shoes(WOMEN_SHOE),
          ),
        ],
      },
    ],
  },
  {
    slug: 'men',
    name: 'Men',
    weight: 0.18,
    departments: [
      {
        slug: 'shirts',
        name: 'Shirts',
        family: 'clothing',
        leaves: [
          leaf(
            'casual',
            'Casual Shirts',
            ['Oxford Shirt', 'Overshirt', 'Flannel Shirt', 'Camp Collar Shirt', 'Denim Shirt'],
            ['Cotton', 'Linen', 'Brushed Cotton', 'Corduroy'],
            [35, 110],
            apparel(ALPHA),
          ),
          leaf(
            'formal',
            'Formal Shirts',
            ['Dress Shirt', 'Slim Fit Shirt', 'Twill Shirt', 'Poplin Shirt'],
            ['Egyptian Cotton', 'Stretch Cotton', 'Non-Iron Cotton'],
            [39, 119],
            [
              ordered('size', COLLAR, [3, 4]),
              choice('colour', ['White', 'Sky Blue', 'Pink', 'Navy Stripe', 'Lilac'], [1, 3]),
            ],
          ),
          leaf(
            'polos',
            'Polo Shirts',
            ['Polo Shirt', 'Knitted Polo', 'Piqué Polo', 'Long Sleeve Polo'],
            ['Cotton Piqué', 'Merino Wool', 'Organic Cotton'],
            [29, 89],
            apparel(ALPHA),
          ),
        ],
      },
      {
        slug: 'tops',
        name: 'T-Shirts & Sweats',
        family: 'clothing',
        leaves: [
          leaf(
            't-shirts',
            'T-Shirts',
            ['Crew Neck Tee', 'Pocket Tee', 'Heavyweight Tee', 'Henley', 'Long Sleeve Tee'],
            ['Organic Cotton', 'Pima Cotton', 'Slub Jersey'],
            [15, 45],
            apparel(ALPHA),
          ),
          leaf(
            'hoodies',
            'Hoodies & Sweatshirts',
            ['Pullover Hoodie', 'Zip Hoodie', 'Crew Sweatshirt', 'Half-Zip Sweatshirt'],
            ['Loopback Cotton', 'Fleece', 'Organic Cotton'],
            [39, 119],
            apparel(ALPHA),
          ),
          leaf(
            'knitwear',
            'Knitwear',
            ['Crew Neck Jumper', 'Roll Neck', 'Cardigan', 'Quarter-Zip Jumper'],
            ['Merino Wool', 'Lambswool', 'Cotton', 'Cashmere Blend'],
            [45, 179],
            apparel(ALPHA),
          ),
        ],
      },
      {
        slug: 'trousers',
        name: 'Trousers & Jeans',
        family: 'clothing',
        leaves: [
          leaf(
            'chinos',
            'Chinos',
            ['Slim Chinos', 'Straight Chinos', 'Tapered Chinos', 'Pleated Chinos'],
            ['Stretch Cotton', 'Cotton Twill', 'Organic Cotton'],
            [39, 99],
            [ordered('size', MEN_WAIST, [3, 4]), choice('colour', APPAREL_COLOURS, [1, 3])],
          ),
          leaf(
            'jeans',
            'Jeans',
            ['Slim Jeans', 'Straight Jeans', 'Tapered Jeans', 'Relaxed Jeans'],
            ['Selvedge Denim', 'Stretch Denim', 'Rigid Denim', 'Organic Denim'],
            [49, 149],
            [ordered('size', MEN_WAIST, [3, 4]), choice('colour', DENIM, [1, 3])],
          ),
          leaf(
            'joggers',
            'Joggers',
            ['Joggers', 'Cargo Joggers', 'Track Pants', 'Tech Joggers'],
            ['Fleece', 'Loopback Cotton', 'Ripstop Nylon'],
            [35, 89],
            apparel(ALPHA),
          ),
        ],
      },
      {
        slug: 'outerwear',
        name: 'Coats & Jackets',
        family: 'clothing',
        leaves: [
          leaf(
            'jackets',
            'Jackets',
            ['Harrington Jacket', 'Field Jacket', 'Bomber Jacket', 'Chore Jacket', 'Rain Jacket'],
            ['Waxed Cotton', 'Nylon', 'Wool Blend', 'Cotton Canvas'],
            [69, 299],
            apparel(ALPHA),
          ),
          leaf(
            'coats',
            'Coats',
            ['Overcoat', 'Parka', 'Peacoat', 'Puffer Jacket', 'Trench Coat'],
            ['Wool', 'Recycled Down', 'Cotton Gabardine', 'Wool Blend'],
            [119, 449],
            apparel(ALPHA),
          ),
        ],
      },
      {
        slug: 'shoes',
        name: 'Shoes',
        family: 'footwear',
        leaves: [
          leaf(
            'sneakers',
            'Sneakers',
            ['Low-Top Sneakers', 'Runner Sneakers', 'High-Top Sneakers', 'Court Sneakers'],
            ['Leather', 'Canvas', 'Suede', 'Recycled Knit'],
            [55, 179],
            shoes(MEN_SHOE),
          ),
          leaf(
            'boots',
            'Boots',
            ['Chelsea Boots', 'Work Boots', 'Hiking Boots', 'Chukka Boots'],
            ['Leather', 'Suede', 'Waterproof Leather'],
            [89, 269],
            shoes(MEN_SHOE),
          ),
          leaf(
            'loafers',
            'Loafers & Lace-Ups',
            ['Penny Loafers', 'Tassel Loafers', 'Boat Shoes', 'Derby Shoes'],
            ['Leather', 'Suede', 'Polished Leather'],
            [79, 229],
            shoes(MEN_SHOE),
          ),
        ],
      },
    ],
  },
  {
    slug: 'kids',
    name: 'Kids',
    weight: 0.08,
    departments: [
      {
        slug: 'girls',
        name: 'Girls',
        family: 'kidswear',
        leaves: [
          leaf(
            'dresses',
            'Dresses',
            ['Party Dress', 'Smock Dress', 'Jersey Dress', 'Pinafore Dress'],
            ['Cotton', 'Tulle', 'Corduroy', 'Jersey'],
            [19, 49],
            kids(KIDS_AGE),
          ),
          leaf(
            'tops',
            'Tops',
            ['Printed Tee', 'Long Sleeve Top', 'Sweatshirt', 'Cardigan'],
            ['Organic Cotton', 'Cotton', 'Fleece'],
            [9.99, 34],
            kids(KIDS_AGE),
          ),
          leaf(
            'leggings',
            'Leggings & Trousers',
            ['Leggings', 'Jeggings', 'Flared Leggings', 'Joggers'],
            ['Stretch Cotton', 'Organic Cotton', 'Fleece'],
            [9.99, 29],
            kids(KIDS_AGE),
          ),
        ],
      },
      {
        slug: 'boys',
        name: 'Boys',
        family: 'kidswear',
        leaves: [
          leaf(
            't-shirts',
            'T-Shirts',
            ['Graphic Tee', 'Striped Tee', 'Long Sleeve Tee', 'Polo Shirt'],
            ['Organic Cotton', 'Cotton', 'Cotton Piqué'],
            [9.99, 29],
            kids(KIDS_AGE),
          ),
          leaf(
            'shorts',
            'Shorts',
            ['Cargo Shorts', 'Chino Shorts', 'Swim Shorts', 'Jersey Shorts'],
            ['Cotton Twill', 'Recycled Polyester', 'Jersey'],
            [12, 34],
            kids(KIDS_AGE),
          ),
          leaf(
            'hoodies',
            'Hoodies',
            ['Zip Hoodie', 'Pullover Hoodie', 'Fleece Jacket', 'Sweatshirt'],
            ['Fleece', 'Loopback Cotton', 'Organic Cotton'],
            [19, 49],
            kids(KIDS_AGE),
          ),
        ],
      },
      {
        slug: 'baby',
        name: 'Baby',
        family: 'kidswear',
        leaves: [
          leaf(
            'bodysuits',
            'Bodysuits',
            ['Bodysuit 3-Pack', 'Short Sleeve Bodysuit', 'Wrap Bodysuit'],
            ['Organic Cotton', 'Ribbed Cotton', 'Bamboo Jersey'],
            [12, 34],
            kids(BABY_AGE),
          ),
          leaf(
            'sleepsuits',
            'Sleepsuits',
            ['Sleepsuit', 'Footed Sleepsuit', 'Sleepsuit 2-Pack'],
            ['Organic Cotton', 'Velour', 'Bamboo Jersey'],
            [14, 39],
            kids(BABY_AGE),
          ),
          leaf(
            'outfits',
            'Outfits & Sets',
            ['Romper', 'Dungarees Set', 'Knit Set', 'Two-Piece Set'],
            ['Organic Cotton', 'Cotton Knit', 'Muslin'],
            [19, 49],
            kids(BABY_AGE),
          ),
        ],
      },
    ],
  },
  {
    slug: 'accessories',
    name: 'Accessories',
    weight: 0.09,
    departments: [
      {
        slug: 'bags',
        name: 'Bags',
        family: 'accessories',
        leaves: [
          leaf(
            'totes',
            'Totes & Shoppers',
            ['Tote Bag', 'Shopper', 'Work Tote'],
            ['Leather', 'Canvas', 'Recycled Nylon', 'Suede'],
            [29, 249],
            [choice('colour', LEATHER, [1, 4])],
          ),
          leaf(
            'backpacks',
            'Backpacks',
            ['Backpack', 'Rolltop Backpack', 'Laptop Backpack', 'Mini Backpack'],
            ['Recycled Nylon', 'Waxed Canvas', 'Leather'],
            [39, 179],
            [choice('colour', LEATHER, [1, 4])],
          ),
          leaf(
            'crossbody',
            'Crossbody Bags',
            ['Crossbody Bag', 'Saddle Bag', 'Belt Bag', 'Phone Bag'],
            ['Leather', 'Suede', 'Recycled Nylon'],
            [29, 199],
            [choice('colour', LEATHER, [1, 4])],
          ),
        ],
      },
      {
        slug: 'jewellery',
        name: 'Jewellery',
        family: 'accessories',
        leaves: [
          leaf(
            'necklaces',
            'Necklaces',
            ['Pendant Necklace', 'Chain Necklace', 'Pearl Necklace', 'Layered Necklace'],
            ['Sterling Silver', 'Gold-Plated Brass', 'Recycled Silver'],
            [19, 149],
            [choice('finish', METALS, [1, 3])],
          ),
          leaf(
            'earrings',
            'Earrings',
            ['Hoop Earrings', 'Stud Earrings', 'Drop Earrings', 'Huggie Earrings'],
            ['Sterling Silver', 'Gold-Plated Brass', 'Recycled Silver'],
            [15, 119],
            [choice('finish', METALS, [1, 3])],
          ),
          leaf(
            'rings',
            'Rings',
            ['Signet Ring', 'Stacking Ring', 'Band Ring', 'Cocktail Ring'],
            ['Sterling Silver', 'Gold Vermeil', 'Recycled Silver'],
            [19, 129],
            [ordered('size', RING, [3, 4]), choice('finish', METALS, [1, 2])],
          ),
        ],
      },
      {
        slug: 'small-leather-goods',
        name: 'Belts & Wallets',
        family: 'accessories',
        leaves: [
          leaf(
            'belts',
            'Belts',
            ['Leather Belt', 'Woven Belt', 'Reversible Belt', 'Dress Belt'],
            ['Leather', 'Suede', 'Webbing'],
            [25, 79],
            [ordered('size', ['S', 'M', 'L', 'XL'], [2, 4]), choice('colour', LEATHER, [1, 2])],
          ),
          leaf(
            'wallets',
            'Wallets & Cardholders',
            ['Bifold Wallet', 'Cardholder', 'Zip Wallet', 'Coin Purse'],
            ['Leather', 'Pebbled Leather', 'Recycled Nylon'],
            [25, 119],
            [choice('colour', LEATHER, [1, 4])],
          ),
        ],
      },
      {
        slug: 'hats-scarves',
        name: 'Hats & Scarves',
        family: 'accessories',
        leaves: [
          leaf(
            'beanies',
            'Beanies & Bucket Hats',
            ['Ribbed Beanie', 'Fisherman Beanie', 'Pom Beanie', 'Bucket Hat'],
            ['Merino Wool', 'Cashmere Blend', 'Recycled Wool', 'Cotton'],
            [19, 59],
            [choice('colour', APPAREL_COLOURS, [1, 4])],
          ),
          leaf(
            'scarves',
            'Scarves',
            ['Scarf', 'Blanket Scarf', 'Silk Square', 'Wrap'],
            ['Wool', 'Cashmere', 'Silk', 'Modal'],
            [25, 129],
            [choice('colour', APPAREL_COLOURS, [1, 4])],
          ),
          leaf(
            'caps',
            'Caps',
            ['Baseball Cap', 'Dad Cap', 'Five-Panel Cap'],
            ['Cotton Twill', 'Corduroy', 'Recycled Nylon'],
            [19, 45],
            [choice('colour', APPAREL_COLOURS, [1, 4])],
          ),
        ],
      },
    ],
  },
  {
    slug: 'home',
    name: 'Home',
    weight: 0.16,
    departments: [
      {
        slug: 'bedding',
        name: 'Bedding',
        family: 'home',
        leaves: [
          leaf(
            'duvet-covers',
            'Duvet Covers',
            ['Duvet Cover Set', 'Duvet Cover'],
            ['Washed Linen', 'Cotton Percale', 'Cotton Sateen', 'Organic Cotton'],
            [59, 229],
            [ordered('size', BED, [2, 4], 0.15), choice('colour', HOME_COLOURS, [1, 3])],
          ),
          leaf(
            'sheets',
            'Sheets',
            ['Fitted Sheet', 'Flat Sheet', 'Sheet Set'],
            ['Washed Linen', 'Cotton Percale', 'Cotton Sateen', 'Organic Cotton'],
            [29, 149],
            [ordered('size', BED, [2, 4], 0.15), choice('colour', HOME_COLOURS, [1, 3])],
          ),
          leaf(
            'pillows',
            'Pillows',
            ['Pillow', 'Pillow 2-Pack', 'Side Sleeper Pillow'],
            ['Down Alternative', 'Memory Foam', 'Feather & Down', 'Buckwheat'],
            [29, 119],
            [ordered('size', ['Standard', 'Queen', 'King'], [1, 3], 0.15)],
          ),
        ],
      },
      {
        slug: 'bath',
        name: 'Bath',
        family: 'home',
        leaves: [
          leaf(
            'towels',
            'Towels',
            ['Towel', 'Towel Bundle', 'Waffle Towel'],
            ['Turkish Cotton', 'Organic Cotton', 'Linen'],
            [12, 79],
            [ordered('size', ['Hand', 'Bath', 'Bath Sheet'], [1, 3], 0.4), choice('colour', HOME_COLOURS, [1, 4])],
          ),
          leaf(
            'bath-mats',
            'Bath Mats',
            ['Bath Mat', 'Tufted Bath Mat', 'Teak Bath Mat'],
            ['Cotton', 'Teak', 'Recycled Cotton'],
            [19, 69],
            [choice('colour', HOME_COLOURS, [1, 4])],
          ),
        ],
      },
      {
        slug: 'kitchen',
        name: 'Kitchen & Dining',
        family: 'home',
        leaves: [
          leaf(
            'cookware',
            'Cookware',
            ['Frying Pan', 'Saucepan', 'Dutch Oven', 'Sauté Pan', 'Stockpot'],
            ['Cast Iron', 'Stainless Steel', 'Enamelled Cast Iron', 'Carbon Steel'],
            [24.99, 249],
            [ordered('size', ['20cm', '24cm', '28cm', '32cm'], [1, 3], 0.22)],
          ),
          leaf(
            'knives',
            'Knives',
            ['Chef Knife', 'Santoku Knife', 'Paring Knife', 'Bread Knife', 'Knife Block Set'],
            ['Damascus Steel', 'German Steel', 'Japanese Steel'],
            [19, 249],
            [choice('colour', ['Black', 'Walnut', 'Olive Wood', 'Steel'], [1, 2])],
          ),
          leaf(
            'tableware',
            'Tableware',
            ['Dinner Plate Set', 'Bowl Set', 'Mug Set', 'Side Plate Set'],
            ['Stoneware', 'Porcelain', 'Reactive Glaze Stoneware'],
            [19, 119],
            [
              ordered('pack', ['Set of 2', 'Set of 4', 'Set of 6'], [1, 3], 0.8),
              choice('colour', HOME_COLOURS, [1, 3]),
            ],
          ),
        ],
      },
      {
        slug: 'decor',
        name: 'Decor',
        family: 'home',
        leaves: [
          leaf(
            'candles',
            'Candles',
            ['Scented Candle', 'Three-Wick Candle', 'Travel Candle', 'Pillar Candle'],
            ['Soy Wax', 'Coconut Wax', 'Beeswax'],
            [12, 59],
            [choice('scent', SCENTS, [1, 4])],
          ),
          leaf(
            'vases',
            'Vases',
            ['Vase', 'Bud Vase', 'Jug Vase', 'Ribbed Vase'],
            ['Ceramic', 'Recycled Glass', 'Stoneware', 'Terracotta'],
            [19, 99],
            [choice('colour', HOME_COLOURS, [1, 3])],
          ),
          leaf(
            'cushions',
            'Cushions',
            ['Cushion Cover', 'Cushion', 'Lumbar Cushion'],
            ['Linen', 'Velvet', 'Bouclé', 'Cotton Canvas'],
            [19, 69],
            [choice('colour', HOME_COLOURS, [1, 4])],
          ),
          leaf(
            'throws',
            'Throws',
            ['Throw', 'Knitted Throw', 'Waffle Throw'],
            ['Wool', 'Cotton', 'Merino Wool', 'Faux Fur'],
            [39, 169],
            [choice('colour', HOME_COLOURS, [1, 3])],
          ),
        ],
      },
      {
        slug: 'lighting',
        name: 'Lighting',
        family: 'home',
        leaves: [
          leaf(
            'table-lamps',
            'Table Lamps',
            ['Table Lamp', 'Mushroom Lamp', 'Task Lamp', 'Rechargeable Lamp'],
            ['Brass', 'Ceramic', 'Opal Glass', 'Rattan'],
            [39, 249],
            [choice('finish', LAMP_FINISHES, [1, 3])],
          ),
          leaf(
            'floor-lamps',
            'Floor Lamps',
            ['Floor Lamp', 'Arc Floor Lamp', 'Tripod Floor Lamp'],
            ['Brass', 'Steel', 'Oak', 'Linen Shade'],
            [89, 349],
            [choice('finish', LAMP_FINISHES, [1, 3])],
          ),
          leaf(
            'pendants',
            'Pendant Lights',
            ['Pendant Light', 'Globe Pendant', 'Dome Pendant'],
            ['Opal Glass', 'Rattan', 'Spun Aluminium', 'Paper'],
            [49, 299],
            [choice('finish', LAMP_FINISHES, [1, 3])],
          ),
        ],
      },
    ],
  },
  {
    slug: 'electronics',
    name: 'Electronics',
    weight: 0.15,
    departments: [
      {
        slug: 'audio',
        name: 'Audio',
        family: 'electronics',
        leaves: [
          leaf(
            'headphones',
            'Headphones',
            ['Wireless Headphones', 'Noise-Cancelling Headphones', 'Studio Headphones', 'On-Ear Headphones'],
            ['Pro', 'Air', 'Max', 'Lite', '2', '3'],
            [49, 399],
            [choice('colour', TECH_COLOURS, [1, 4])],
          ),
          leaf(
            'earbuds',
            'Earbuds',
            ['Wireless Earbuds', 'Sport Earbuds', 'Noise-Cancelling Earbuds', 'Open-Ear Earbuds'],
            ['Pro', 'Air', 'Mini', 'Lite', '2', 'Plus'],
            [29, 249],
            [choice('colour', TECH_COLOURS, [1, 4])],
          ),
          leaf(
            'speakers',
            'Speakers',
            ['Bluetooth Speaker', 'Portable Speaker', 'Bookshelf Speakers', 'Soundbar'],
            ['Mini', 'Max', 'Go', '2', 'Plus'],
            [39, 399],
            [choice('colour', TECH_COLOURS, [1, 4])],
          ),
        ],
      },
      {
        slug: 'phone-accessories',
        name: 'Phone Accessories',
        family: 'electronics',
        leaves: [
          leaf(
            'cases',
            'Phone Cases',
            ['Magnetic Phone Case', 'Wallet Phone Case', 'Rugged Phone Case', 'Clear Phone Case'],
            ['Slim', 'Armor', 'Eco', 'Classic'],
            [14.99, 49],
            [
              choice('fits', ['Compact 5.8"', 'Standard 6.1"', 'Plus 6.7"'], [1, 3]),
              choice('colour', TECH_COLOURS, [1, 4]),
            ],
          ),
          leaf(
            'chargers',
            'Chargers',
            ['USB-C Charger', 'Wireless Charging Pad', 'Car Charger', '3-in-1 Charging Stand'],
            ['GaN', 'Fast', 'Duo', 'Travel'],
            [19, 89],
            [ordered('power', ['20W', '30W', '45W', '65W'], [1, 3], 0.3)],
          ),
          leaf(
            'power-banks',
            'Power Banks',
            ['Power Bank', 'Magnetic Power Bank', 'Slim Power Bank'],
            ['Go', 'Max', 'Mini', 'Plus'],
            [29, 119],
            [
              ordered('capacity', ['5,000mAh', '10,000mAh', '20,000mAh'], [1, 3], 0.35),
              choice('colour', TECH_COLOURS, [1, 2]),
            ],
          ),
        ],
      },
      {
        slug: 'computing',
        name: 'Computing',
        family: 'electronics',
        leaves: [
          leaf(
            'keyboards',
            'Keyboards',
            ['Mechanical Keyboard', 'Wireless Keyboard', 'Compact Keyboard', 'Low-Profile Keyboard'],
            ['Pro', 'TKL', '75', 'Mini', 'Air'],
            [39, 199],
            [choice('switches', ['Linear', 'Tactile', 'Clicky'], [1, 3]), choice('colour', TECH_COLOURS, [1, 2])],
          ),
          leaf(
            'mice',
            'Mice',
            ['Wireless Mouse', 'Ergonomic Mouse', 'Gaming Mouse', 'Travel Mouse'],
            ['Pro', 'Air', 'Mini', 'Vertical'],
            [19, 129],
            [choice('colour', TECH_COLOURS, [1, 3])],
          ),
          leaf(
            'monitors',
            'Monitors',
            ['4K Monitor', 'QHD Monitor', 'Portable Monitor', 'Ultrawide Monitor'],
            ['Pro', 'Studio', 'Go', 'Plus'],
            [149, 499],
            [ordered('size', ['24"', '27"', '32"'], [1, 2], 0.3)],
          ),
          leaf(
            'tablets',
            'Tablets & E-Readers',
            ['Tablet', 'E-Reader', 'Drawing Tablet', 'Kids Tablet'],
            ['Pro', 'Air', 'Mini', 'Plus'],
            [99, 499],
            [
              ordered('capacity', ['32GB', '64GB', '128GB', '256GB'], [1, 3], 0.2),
              choice('colour', TECH_COLOURS, [1, 3]),
            ],
          ),
        ],
      },
      {
        slug: 'smart-home',
        name: 'Smart Home',
        family: 'electronics',
        leaves: [
          leaf(
            'smart-speakers',
            'Smart Speakers & Displays',
            ['Smart Speaker', 'Smart Display', 'Smart Speaker Mini'],
            ['Home', 'Max', 'Mini', 'Plus'],
            [39, 249],
            [choice('colour', TECH_COLOURS, [1, 3])],
          ),
          leaf(
            'smart-plugs',
            'Smart Plugs & Bulbs',
            ['Smart Plug', 'Smart Bulb', 'Smart Light Strip', 'Smart Switch'],
            ['Mini', 'Outdoor', 'Plus', 'Energy'],
            [14.99, 59],
            [ordered('pack', ['Single', '2-Pack', '4-Pack'], [1, 3], 0.7)],
          ),
          leaf(
            'cameras',
            'Security Cameras',
            ['Indoor Camera', 'Outdoor Camera', 'Video Doorbell', 'Baby Monitor'],
            ['Pro', '2K', 'Solar', 'Mini'],
            [39, 249],
            [ordered('pack', ['Single', '2-Pack'], [1, 2], 0.8), choice('colour', ['White', 'Black'], [1, 2])],
          ),
        ],
      },
      {
        slug: 'wearables',
        name: 'Wearables',
        family: 'electronics',
        leaves: [
          leaf(
            'smartwatches',
            'Smartwatches',
            ['Smartwatch', 'GPS Smartwatch', 'Hybrid Smartwatch', 'Kids Smartwatch'],
            ['Pro', 'Active', 'Classic', 'Sport', '2'],
            [99, 449],
            [ordered('size', ['40mm', '42mm', '44mm', '46mm'], [1, 2], 0.08), choice('colour', TECH_COLOURS, [1, 3])],
          ),
          leaf(
            'fitness-trackers',
            'Fitness Trackers',
            ['Fitness Tracker', 'Activity Band', 'Smart Ring', 'Heart Rate Strap'],
            ['Active', 'Lite', 'Sport', '2'],
            [29, 199],
            [choice('colour', TECH_COLOURS, [1, 4])],
          ),
        ],
      },
    ],
  },
  {
    slug: 'beauty',
    name: 'Beauty',
    weight: 0.1,
    departments: [
      {
        slug: 'skincare',
        name: 'Skincare',
        family: 'beauty',
        leaves: [
          leaf(
            'moisturisers',
            'Moisturisers',
            ['Moisturiser', 'Day Cream', 'Night Cream', 'Gel Cream', 'Rich Cream'],
            ['Hydrating', 'Barrier Repair', 'Oil-Free', 'Brightening', 'Calming'],
            [14, 79],
            [ordered('volume', ['30ml', '50ml', '100ml'], [1, 2], 0.55)],
          ),
          leaf(
            'serums',
            'Serums',
            ['Vitamin C Serum', 'Hyaluronic Serum', 'Retinol Serum', 'Niacinamide Serum', 'Peptide Serum'],
            ['Intensive', 'Daily', 'Overnight', 'Brightening'],
            [16, 95],
            [ordered('volume', ['15ml', '30ml', '50ml'], [1, 2], 0.6)],
          ),
          leaf(
            'cleansers',
            'Cleansers',
            ['Gel Cleanser', 'Cleansing Balm', 'Foaming Cleanser', 'Micellar Water', 'Cleansing Oil'],
            ['Gentle', 'Purifying', 'Hydrating', 'Calming'],
            [9.99, 42],
            [ordered('volume', ['100ml', '200ml', '400ml'], [1, 2], 0.6)],
          ),
        ],
      },
      {
        slug: 'makeup',
        name: 'Makeup',
        family: 'beauty',
        leaves: [
          leaf(
            'lips',
            'Lips',
            ['Lipstick', 'Matte Lipstick', 'Lip Tint', 'Lip Gloss', 'Lip Liner'],
            ['Velvet', 'Satin', 'Long-Wear', 'Sheer'],
            [9.99, 38],
            [choice('shade', LIP_SHADES, [3, 10])],
          ),
          leaf(
            'face',
            'Face',
            ['Foundation', 'Skin Tint', 'Concealer', 'Tinted Moisturiser'],
            ['Luminous', 'Matte', 'Long-Wear', 'Natural'],
            [14, 55],
            [choice('shade', SKIN_SHADES, [4, 12])],
          ),
          leaf(
            'eyes',
            'Eyes',
            ['Mascara', 'Volumising Mascara', 'Lengthening Mascara', 'Brow Gel'],
            ['Waterproof', 'Volume', 'Lift', 'Defining'],
            [9.99, 34],
            [choice('shade', ['Black', 'Brown Black', 'Brown', 'Clear'], [1, 2])],
          ),
        ],
      },
      {
        slug: 'fragrance',
        name: 'Fragrance',
        family: 'beauty',
        leaves: [
          leaf(
            'perfume',
            'Perfume',
            ['Eau de Parfum', 'Eau de Toilette', 'Perfume Oil'],
            ['Oud', 'Santal', 'Neroli', 'Vetiver', 'Rose', 'Amber', 'Fig', 'Musk'],
            [39, 189],
            [ordered('volume', ['30ml', '50ml', '100ml'], [1, 3], 0.45)],
          ),
          leaf(
            'body',
            'Bath & Body',
            ['Body Lotion', 'Body Wash', 'Body Oil', 'Hand Cream', 'Body Mist'],
            ['Neroli', 'Santal', 'Fig', 'Citrus', 'Lavender'],
            [12, 49],
            [ordered('volume', ['50ml', '250ml', '500ml'], [1, 2], 0.5)],
          ),
        ],
      },
      {
        slug: 'hair',
        name: 'Haircare',
        family: 'beauty',
        leaves: [
          leaf(
            'shampoo',
            'Shampoo',
            ['Shampoo', 'Clarifying Shampoo', 'Repair Shampoo', 'Volumising Shampoo'],
            ['Argan', 'Rosemary', 'Rice Protein', 'Coconut'],
            [9.99, 39],
            [ordered('volume', ['250ml', '500ml', '1L'], [1, 2], 0.6)],
          ),
          leaf(
            'conditioner',
            'Conditioner',
            ['Conditioner', 'Hair Mask', 'Leave-In Conditioner'],
            ['Argan', 'Shea', 'Rice Protein', 'Coconut'],
            [9.99, 42],
            [ordered('volume', ['250ml', '500ml', '1L'], [1, 2], 0.6)],
          ),
          leaf(
            'styling',
            'Styling',
            ['Hair Oil', 'Styling Cream', 'Texture Spray', 'Heat Protect Spray', 'Hair Serum'],
            ['Argan', 'Sea Salt', 'Silk', 'Matte'],
            [12, 45],
            [ordered('volume', ['50ml', '100ml', '200ml'], [1, 2], 0.5)],
          ),
        ],
      },
    ],
  },
];
