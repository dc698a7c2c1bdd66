import { BRANDS } from './brands.js';
import type { BufferGroup } from './bulkInsert.js';
import type { Rng } from './random.js';
import { slugify } from './slug.js';
import { TABLES } from './tables.js';
import { TAXONOMY, type Family, type LeafDef } from './taxonomy.js';

/** A leaf category products can be placed in. */
export interface Leaf {
  id: string;
  path: string;
  rootIndex: number;
  department: string;
  family: Family;
  def: LeafDef;
  /** Indexes into ReferenceData.brands of brands selling this family. */
  brandIndexes: number[];
  /** Share of products, from the root's weight split evenly over its leaves. */
  weight: number;
}

export interface ReferenceData {
  leaves: Leaf[];
  brands: { id: string; name: string }[];
  warehouses: { id: string; code: string }[];
  categoryCount: number;
}

export const WAREHOUSES = [
  { code: 'EU-AMS', name: 'Amsterdam' },
  { code: 'US-NYC', name: 'New York' },
] as const;

/** Buffers the category tree, brands and warehouses (parents before children) and returns the lookups products need. */
export function bufferReferenceData(rng: Rng, group: BufferGroup, createdAt: string): ReferenceData {
  const categories = group.add(TABLES.category);
  const brandRows = group.add(TABLES.brand);
  const warehouseRows = group.add(TABLES.warehouse);

  const brands = BRANDS.map((brand) => {
    const id = rng.uuid();
    brandRows.push(id, slugify(brand.name), brand.name, createdAt);
    return { id, name: brand.name, families: brand.families };
  });

  const leaves: Leaf[] = [];
  TAXONOMY.forEach((root, rootIndex) => {
    const rootId = rng.uuid();
    categories.push(rootId, null, root.name, root.slug, root.slug, 0, rootIndex, createdAt);
    const leafCount = root.departments.reduce((n, d) => n + d.leaves.length, 0);
    root.departments.forEach((department, departmentPosition) => {
      const departmentId = rng.uuid();
      const departmentPath = `${root.slug}/${department.slug}`;
      categories.push(
        departmentId,
        rootId,
        department.name,
        department.slug,
        departmentPath,
        1,
        departmentPosition,
        createdAt,
      );
      const brandIndexes = brands.flatMap((b, i) => (b.families.includes(department.family) ? [i] : []));
      if (brandIndexes.length === 0) throw new Error(`no brand sells ${department.family}`);
      department.leaves.forEach((def, leafPosition) => {
        const id = rng.uuid();
        const path = `${departmentPath}/${def.slug}`;
        categories.push(id, departmentId, def.name, def.slug, path, 2, leafPosition, createdAt);
        leaves.push({
          id,
          path,
          rootIndex,
          department: department.slug,
          family: department.family,
          def,
          brandIndexes,
          weight: root.weight / leafCount,
        });
      });
    });
  });

  const warehouses = WAREHOUSES.map((w) => {
    const id = rng.uuid();
    warehouseRows.push(id, w.code, w.name, createdAt);
    return { id, code: w.code };
  });

  return {
    leaves,
    brands: brands.map(({ id, name }) => ({ id, name })),
    warehouses,
    categoryCount: categories.rows,
  };
}
