const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Entity ids are UUIDs; anything else cannot name a row and is rejected before SQL. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
