import { DomainError, ErrorCode } from '@shopgraph/kit';

/** The statuses of an order, as ordering."OrderStatus" and the SDL name them. */
export const ORDER_STATUSES = ['PENDING', 'CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'FAILED', 'PARTIALLY_REFUNDED', 'REFUNDED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * Every transition the lifecycle allows. PENDING belongs to checkout (CONFIRMED or FAILED);
 * CANCELLED only before shipping; refunds move a paid order to PARTIALLY_REFUNDED or REFUNDED.
 * CANCELLED, FAILED and REFUNDED are final.
 */
const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PENDING: ['CONFIRMED', 'FAILED'],
  CONFIRMED: ['SHIPPED', 'CANCELLED', 'PARTIALLY_REFUNDED', 'REFUNDED'],
  SHIPPED: ['DELIVERED', 'PARTIALLY_REFUNDED', 'REFUNDED'],
  DELIVERED: ['PARTIALLY_REFUNDED', 'REFUNDED'],
  PARTIALLY_REFUNDED: ['PARTIALLY_REFUNDED', 'REFUNDED'],
  CANCELLED: [],
  FAILED: [],
  REFUNDED: [],
};

/** Transitions an admin may ask for with updateOrderStatus (checkout and refunds make the others). */
const ADMIN_TARGETS: ReadonlySet<OrderStatus> = new Set(['SHIPPED', 'DELIVERED', 'CANCELLED']);

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** CONFLICT with the current status and what it may become, when `from -> to` is not allowed. */
export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) {
    throw new DomainError(ErrorCode.CONFLICT, `An order that is ${from} cannot become ${to}`, { status: from, requested: to, allowed: [...TRANSITIONS[from]] });
  }
}

/** updateOrderStatus: only the statuses an admin moves an order to by hand. */
export function isAdminTarget(to: OrderStatus): boolean {
  return ADMIN_TARGETS.has(to);
}

/** Statuses a refund may start from: the order was paid (captured) and not cancelled or fully refunded. */
export function isRefundable(status: OrderStatus): boolean {
  return canTransition(status, 'REFUNDED');
}
