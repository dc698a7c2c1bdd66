import { BufferGroup, type InsertQueue } from './bulkInsert.js';
import { PackedUuids } from './catalogIndex.js';
import type { Rng } from './random.js';
import { TABLES } from './tables.js';

const DAY_MS = 86_400_000;
const SIGNUP_WINDOW_DAYS = 730;

/** Customers sorted by sign-up time, so "who existed at time t" is a prefix. */
export interface CustomerIndex {
  ids: PackedUuids;
  createdAt: Float64Array;
}

export async function writeCustomers(
  rng: Rng,
  queue: InsertQueue,
  options: { customers: number; now: number; onProgress: (done: number) => void },
): Promise<CustomerIndex> {
  const count = options.customers;
  const createdAt = new Float64Array(count);
  for (let i = 0; i < count; i++) createdAt[i] = Math.round(options.now - rng.next() * SIGNUP_WINDOW_DAYS * DAY_MS);
  createdAt.sort();

  const group = new BufferGroup(queue);
  const rows = group.add(TABLES.customer);
  const ids = new PackedUuids(count);
  const emails = new Set<string>();
  const { faker } = rng;
  for (let i = 0; i < count; i++) {
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    const email = uniqueEmail(emails, faker.internet.exampleEmail({ firstName, lastName }).toLowerCase());
    const id = rng.uuid();
    ids.push(id);
    // updated_at = created_at: the column's default (now) would make two seeds differ.
    const signedUp = new Date(createdAt[i]!).toISOString();
    rows.push(id, email, `${firstName} ${lastName}`, signedUp, signedUp);
    if (i % 1024 === 1023) {
      await group.flushIfFull();
      options.onProgress(i + 1);
    }
  }
  await group.flush();
  options.onProgress(count);
  return { ids, createdAt };
}

/** Appends a number before the @ until the (lower-cased) address is unused. */
function uniqueEmail(seen: Set<string>, email: string): string {
  let candidate = email;
  const at = email.lastIndexOf('@');
  for (let n = 2; seen.has(candidate); n++) candidate = `${email.slice(0, at)}.${n}${email.slice(at)}`;
  seen.add(candidate);
  return candidate;
}

/** How many customers had signed up by time t (binary search over the sorted sign-up times). */
export function customersBefore(customers: CustomerIndex, t: number): number {
  let lo = 0;
  let hi = customers.createdAt.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (customers.createdAt[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
