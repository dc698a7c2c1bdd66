/** An entity reference to a product the catalog owns. */
export interface ProductRefModel {
  id: string;
}
