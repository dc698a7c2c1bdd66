import { DomainError, ErrorCode, isUuid, requireAuthenticated, type Identity } from '@shopgraph/kit';

/** The customer id of a signed-in customer; any other caller (an admin's token, a non-uuid subject) has no account here. */
export function customerIdOf(identity: Identity): string {
  const user = requireAuthenticated(identity);
  if (user.role !== 'CUSTOMER' || !isUuid(user.subject)) throw new DomainError(ErrorCode.NOT_FOUND, 'No customer account for this identity', { entity: 'Customer' });
  return user.subject;
}
