import type { SubgraphDeps } from '@shopgraph/kit';
import { AccessTokenIssuer } from './accessTokenIssuer.js';
import { AccountService } from './accountService.js';
import { loadAccountSettings, type AccountSettings } from './accountSettings.js';
import { AddressBookService } from './addressBookService.js';
import { internalCartMerge, type CartMergePort } from './cartMergePort.js';
import { LoginThrottle } from './loginThrottle.js';
import { PasswordHasher } from './passwordHasher.js';
import { SessionStore } from './sessionStore.js';

/** What a test may swap in the accounts part of the order subgraph. */
export interface AccountOverrides {
  settings?: Partial<AccountSettings>;
  carts?: CartMergePort;
}

/** The accounts part of the order subgraph, made once at boot. */
export function createAccountServices(deps: SubgraphDeps, overrides: AccountOverrides = {}) {
  const settings = { ...loadAccountSettings(), ...overrides.settings };
  const prisma = deps.database.prisma;
  const logger = deps.logger.child({ component: 'accounts' });
  const addressBook = new AddressBookService(prisma);
  const accounts = new AccountService(
    prisma,
    new PasswordHasher(),
    new AccessTokenIssuer(settings, () => new Date()),
    new SessionStore(prisma, settings.refreshTokenTtlDays),
    new LoginThrottle(settings, deps.redis, deps.namespace, logger),
    overrides.carts ?? internalCartMerge(deps.internal),
    logger,
  );
  return { settings, accounts, addressBook };
}

export type AccountServices = ReturnType<typeof createAccountServices>;
