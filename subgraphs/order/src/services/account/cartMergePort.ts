import type { InternalClient } from '@shopgraph/kit';

/** What sign-in needs from the cart subgraph: its service-only merge of a guest cart into a customer's cart. */
export interface CartMergePort {
  /** The customer's cart id after the merge; a DomainError (NOT_FOUND, BAD_USER_INPUT...) or InternalCallError when it did not happen. */
  mergeGuestCart(customerId: string, cartToken: string): Promise<{ cartId: string }>;
}

const MERGE = `mutation MergeGuestCartForCustomer($customerId: ID!, $cartToken: String!) {
  mergeGuestCartForCustomer(customerId: $customerId, cartToken: $cartToken) { id }
}`;

/** Over HTTP with the kit's InternalClient, signed as the order service. Not retried: a merge that may have run is not run again. */
export function internalCartMerge(client: Pick<InternalClient, 'request'>): CartMergePort {
  return {
    async mergeGuestCart(customerId, cartToken) {
      const data = await client.request<{ mergeGuestCartForCustomer: { id: string } }>('cart', MERGE, { customerId, cartToken });
      return { cartId: data.mergeGuestCartForCustomer.id };
    },
  };
}
