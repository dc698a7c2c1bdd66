import type { RequestContext } from '@shopgraph/kit';
import type { OrderLoaders } from './loaders.js';
import type { CheckoutService } from './services/checkoutService.js';
import type { NotificationService } from './services/notifications/notificationService.js';
import type { OrderService } from './services/orderService.js';
import type { OrderWatchService } from './services/orderWatchService.js';
import type { SalesService } from './services/salesService.js';
import type { AccountService } from './services/account/accountService.js';
import type { AddressBookService } from './services/account/addressBookService.js';
import type { PasswordResetService } from './services/account/passwordResetService.js';
import type { WebhookEndpointService } from './services/webhooks/webhookEndpointService.js';
import type { SellerOrderLinesService } from './services/sellerOrderLines.js';

export interface OrderServices {
  sales: SalesService;
  orders: OrderService;
  checkout: CheckoutService;
  watch: OrderWatchService;
  // accounts (issue 10)
  accounts: AccountService;
  passwordResets: PasswordResetService;
  addressBook: AddressBookService;
  notifications: NotificationService;
  webhooks: WebhookEndpointService;
  sellerLines: SellerOrderLinesService;
}

export interface OrderContext extends RequestContext {
  loaders: OrderLoaders;
  services: OrderServices;
}
