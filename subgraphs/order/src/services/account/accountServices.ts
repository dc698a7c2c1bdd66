import type { SubgraphDeps } from '@shopgraph/kit';
import { AccessTokenIssuer } from './accessTokenIssuer.js';
import { accountMetrics } from './accountMetrics.js';
import { AccountService } from './accountService.js';
import { loadAccountSettings, type AccountSettings } from './accountSettings.js';
import { AddressBookService } from './addressBookService.js';
import { internalCartMerge, type CartMergePort } from './cartMergePort.js';
import { LoginThrottle } from './loginThrottle.js';
import { PasswordHasher } from './passwordHasher.js';
import { PasswordResetService } from './passwordResetService.js';
import { PasswordResetThrottle } from './passwordResetThrottle.js';
import { PasswordResetTokens } from './passwordResetTokens.js';
import { createResetTokenBox } from './resetTokenBox.js';
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
  const resetTokens = new PasswordResetTokens(prisma, settings.resetTokenTtlMinutes);
  const passwords = new PasswordHasher();
  const accessTokens = new AccessTokenIssuer(settings, () => new Date());
  const metrics = accountMetrics(deps.metrics.registry);
  const logins = new LoginThrottle(settings, deps.redis, deps.namespace, logger);
  const accounts = new AccountService(
    prisma,
    passwords,
    accessTokens,
    sessions,
    resetTokens,
    logins,
    overrides.carts ?? internalCartMerge(deps.internal),
    metrics,
    logger,
  );
  // Opens the tokens the reset events carry, for the notification consumer (see ResetTokenBox).
  const resetTokenBox = settings.jwtSecret ? createResetTokenBox(settings.jwtSecret) : undefined;
  const passwordResets = new PasswordResetService(
    prisma,
    passwords,
    accessTokens,
    sessions,
    resetTokens,
    resetTokenBox,
    new PasswordResetThrottle(settings, deps.redis, deps.namespace, logger),
    logins,
    metrics,
    logger,
  );
  // Started by the server (settings.sessionSweepIntervalSeconds), stopped with it.
  const sessionSweep = new SessionSweep(sessions, resetTokens, logger);
  return { settings, accounts, passwordResets, resetTokenBox, addressBook, sessionSweep };
}

export type AccountServices = ReturnType<typeof createAccountServices>;
