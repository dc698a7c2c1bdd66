// What the order history needs to know about the catalogue, kept compact (typed arrays,
// packed uuids, deduplicated variant names) so 100k+ products fit in little memory.

export const STATUS = ['ACTIVE', 'DRAFT', 'ARCHIVED'] as const;
export const ACTIVE = 0;
export const DRAFT = 1;
export const ARCHIVED = 2;

export const productSku = (index: number) => `SG-${String(index + 1).padStart(6, '0')}`;
export const variantSku = (index: number, position: number) =>
  `${productSku(index)}-${String(position + 1).padStart(2, '0')}`;

export interface CatalogIndex {
  count: number;
  ids: PackedUuids;
  names: string[];
  /** Index into STATUS. */
  status: Uint8Array;
  createdAt: Float64Array;
  leaf: Uint16Array;
  brand: Uint16Array;
  root: Uint8Array;
  /** First index in `variants` and number of variants, per product. */
  variantStart: Uint32Array;
  variantCount: Uint8Array;
  variants: VariantIndex;
}

export function createCatalogIndex(count: number): CatalogIndex {
  return {
    count,
    ids: new PackedUuids(count),
    names: new Array<string>(count),
    status: new Uint8Array(count),
    createdAt: new Float64Array(count),
    leaf: new Uint16Array(count),
    brand: new Uint16Array(count),
    root: new Uint8Array(count),
    variantStart: new Uint32Array(count),
    variantCount: new Uint8Array(count),
    variants: new VariantIndex(count * 5),
  };
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  throw new Error(`not a hex digit: ${String.fromCharCode(code)}`);
}

/** Uuids as 16 bytes each: faker's uuid strings cost ~190 bytes apiece on the V8 heap. */
export class PackedUuids {
  private bytes: Uint8Array;
  length = 0;

  constructor(capacity = 1024) {
    this.bytes = new Uint8Array(Math.max(1, capacity) * 16);
  }

  push(uuid: string): void {
    if (uuid.length !== 36) throw new Error(`not a uuid: ${uuid}`);
    if ((this.length + 1) * 16 > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    let offset = this.length * 16;
    for (let i = 0; i < 36; i += 2) {
      if (i === 8 || i === 13 || i === 18 || i === 23) i++; // skip the dashes
      this.bytes[offset++] = (hexValue(uuid.charCodeAt(i)) << 4) | hexValue(uuid.charCodeAt(i + 1));
    }
    this.length++;
  }

  get(index: number): string {
    const b = this.bytes;
    const o = index * 16;
    const h = (k: number) => HEX[b[o + k]!]!;
    return (
      h(0) +
      h(1) +
      h(2) +
      h(3) +
      '-' +
      h(4) +
      h(5) +
      '-' +
      h(6) +
      h(7) +
      '-' +
      h(8) +
      h(9) +
      '-' +
      h(10) +
      h(11) +
      h(12) +
      h(13) +
      h(14) +
      h(15)
    );
  }
}

/** Variant id, display name and price (cents) by global variant index. */
export class VariantIndex {
  readonly ids: PackedUuids;
  private prices: Uint32Array;
  private nameIds: Uint32Array;
  // Variant names repeat endlessly ("M / Navy"), so store each once.
  private readonly nameList: string[] = [];
  private readonly nameLookup = new Map<string, number>();

  constructor(capacity = 1024) {
    this.ids = new PackedUuids(capacity);
    this.prices = new Uint32Array(Math.max(1, capacity));
    this.nameIds = new Uint32Array(Math.max(1, capacity));
  }

  get length(): number {
    return this.ids.length;
  }

  add(id: string, name: string, priceCents: number): void {
    const index = this.ids.length;
    if (index >= this.prices.length) {
      this.prices = grow(this.prices);
      this.nameIds = grow(this.nameIds);
    }
    let nameId = this.nameLookup.get(name);
    if (nameId === undefined) {
      nameId = this.nameList.length;
      this.nameList.push(name);
      this.nameLookup.set(name, nameId);
    }
    this.ids.push(id);
    this.prices[index] = priceCents;
    this.nameIds[index] = nameId;
  }

  id(index: number): string {
    return this.ids.get(index);
  }

  name(index: number): string {
    return this.nameList[this.nameIds[index]!]!;
  }

  price(index: number): number {
    return this.prices[index]!;
  }
}

function grow(array: Uint32Array): Uint32Array {
  const grown = new Uint32Array(array.length * 2);
  grown.set(array);
  return grown;
}
