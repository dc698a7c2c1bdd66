import type { SubgraphDeps } from '@shopgraph/kit';
import { AccessTokenIssuer } from './accessTokenIssuer.js';
import { accountMetrics } from './accountMetrics.js';
import { AccountService } from './accountService.js';
import { loadAccountSettings, type AccountSettings } from './accountSettings.js';
import { AddressBookService } from './addressBookService.js';
import { internalCartMerge, type CartMergePort } from './cartMergePort.js';
import { LoginThrottle } from './loginThrottle.js';
import { PasswordHasher } from './passwordHasher.js';
import { SessionStore } from './sessionStore.js';
import { SessionSweep } from './sessionSweep.js';

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
  const sessions = new SessionStore(prisma, settings.refreshTokenTtlDays);
  const accounts = new AccountService(
    prisma,
    new PasswordHasher(),
    new AccessTokenIssuer(settings, () => new Date()),
    sessions,
    new LoginThrottle(settings, deps.redis, deps.namespace, logger),
    overrides.carts ?? internalCartMerge(deps.internal),
    accountMetrics(deps.metrics.registry),
    logger,
  );
  // Started by the server (settings.sessionSweepIntervalSeconds), stopped with it.
  const sessionSweep = new SessionSweep(sessions, logger);
  return { settings, accounts, addressBook, sessionSweep };
}

export type AccountServices = ReturnType<typeof createAccountServices>;
