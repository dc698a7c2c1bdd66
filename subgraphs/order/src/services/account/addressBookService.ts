import { InputError, NotFoundError, isUuid, type Identity, type PrismaClient } from '@shopgraph/kit';
import type { AddressModel } from '../../models.js';
import { TX_OPTIONS, type Tx } from '../orderStore.js';
import { addressSchema, parseInput, requireId } from './accountInput.js';
import type { CustomerAddressRow, CustomerRow } from './accountModels.js';
import { customerIdOf } from './customerIdentity.js';

export type AddressKind = 'SHIPPING' | 'BILLING';

/** A book holds this many addresses at most. */
export const MAX_ADDRESSES = 50;

/**
 * The customer's address book. Every write locks the customer's row first, so concurrent
 * writes of one customer's book run one after another (the first address becomes both
 * defaults exactly once; partial unique indexes back that up). Another customer's address is
 * NOT_FOUND, never FORBIDDEN: its existence is not revealed.
 */
export class AddressBookService {
  constructor(private readonly prisma: PrismaClient) {}

  async add(identity: Identity, input: unknown): Promise<CustomerAddressRow> {
    const customerId = customerIdOf(identity);
    const fields = parseInput(addressSchema, input, 'input');
    return this.prisma.$transaction(async (tx) => {
      await lockCustomer(tx, customerId);
      const count = await tx.customerAddress.count({ where: { customerId } });
      if (count >= MAX_ADDRESSES) throw InputError.of('input', `an address book holds at most ${MAX_ADDRESSES} addresses`);
      const first = count === 0;
      return tx.customerAddress.create({ data: { customerId, ...fields, isDefaultShipping: first, isDefaultBilling: first } });
    }, TX_OPTIONS);
  }

  async update(identity: Identity, id: string, input: unknown): Promise<CustomerAddressRow> {
    const customerId = customerIdOf(identity);
    requireId(id, 'id');
    const fields = parseInput(addressSchema, input, 'input');
    const updated = await this.prisma.customerAddress.updateMany({ where: { id, customerId }, data: { ...fields, updatedAt: new Date() } });
    if (updated.count === 0) throw new NotFoundError('CustomerAddress', 'id', id);
    return this.prisma.customerAddress.findUniqueOrThrow({ where: { id } });
  }

  async remove(identity: Identity, id: string): Promise<boolean> {
    const customerId = customerIdOf(identity);
    if (!isUuid(id)) return false;
    const removed = await this.prisma.customerAddress.deleteMany({ where: { id, customerId } });
    return removed.count > 0;
  }

  async setDefault(identity: Identity, id: string, kind: AddressKind): Promise<CustomerRow> {
    const customerId = customerIdOf(identity);
    requireId(id, 'id');
    const flag = kind === 'SHIPPING' ? 'isDefaultShipping' : 'isDefaultBilling';
    return this.prisma.$transaction(async (tx) => {
      const customer = await lockCustomer(tx, customerId);
      const address = await tx.customerAddress.findFirst({ where: { id, customerId }, select: { id: true } });
      if (!address) throw new NotFoundError('CustomerAddress', 'id', id);
      await tx.customerAddress.updateMany({ where: { customerId, [flag]: true, id: { not: id } }, data: { [flag]: false } });
      await tx.customerAddress.update({ where: { id }, data: { [flag]: true } });
      return customer;
    }, TX_OPTIONS);
  }

  /** For checkout: one of the customer's own addresses as the order stores it; NOT_FOUND on `field` otherwise. */
  async addressOf(customerId: string, id: string, field: string): Promise<AddressModel> {
    const address = isUuid(id) ? await this.prisma.customerAddress.findFirst({ where: { id, customerId } }) : null;
    if (!address) throw new NotFoundError('CustomerAddress', field, id);
    const { name, line1, line2, city, postalCode, region, country } = address;
    return { name, line1, line2, city, postalCode, region, country };
  }
}

/** Locks the customer's row (FOR UPDATE) for the rest of the transaction and reads it. */
async function lockCustomer(tx: Tx, customerId: string): Promise<CustomerRow> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM ordering.customer WHERE id = ${customerId}::uuid FOR UPDATE`;
  if (rows.length === 0) throw new NotFoundError('Customer', 'id', customerId);
  return tx.customer.findUniqueOrThrow({ where: { id: customerId } });
}
