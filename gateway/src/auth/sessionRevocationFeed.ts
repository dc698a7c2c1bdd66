import { backoffDelay, Wakeup, type EventBus, type InternalClient, type Logger, type ReadinessCheck } from '@shopgraph/kit';
import type { RevokedSessions } from './revokedSessions.js';

const REVOKED_SESSIONS = `query GatewayRevokedSessions { revokedSessions { accessTokenTtlSeconds sessions { familyId } } }`;

interface RevokedSessionsAnswer {
  revokedSessions: { accessTokenTtlSeconds: number; sessions: { familyId: string }[] };
}

export interface SessionRevocationFeedOptions {
  revoked: RevokedSessions;
  /** customer.sessions_revoked, broadcast to every gateway instance. */
  events: EventBus | undefined;
  /** Signed as the gateway, for the order subgraph's service-only revokedSessions. */
  internal: Pick<InternalClient, 'request'>;
  logger: Logger;
  /** Longest wait between backfill attempts (default 5 s). */
  maxRetryDelayMs?: number;
}

export interface SessionRevocationFeed {
  /** Down until the backfill is loaded (/ready: "sessions"). */
  readiness: ReadinessCheck;
  /** Resolves once the backfill is loaded. */
  loaded: Promise<void>;
  close(): Promise<void>;
}

/**
 * Keeps RevokedSessions current: subscribes to customer.sessions_revoked first, then reads the
 * families revoked within the access token TTL from the order subgraph (retried until it
 * answers), so no revocation falls between the two.
 */
export function startSessionRevocationFeed(options: SessionRevocationFeedOptions): SessionRevocationFeed {
  const { revoked, logger } = options;
  const maxDelay = options.maxRetryDelayMs ?? 5_000;
  let closed = false;
  // close() cuts a retry's wait short.
  const wakeup = new Wakeup();
  const subscription = options.events?.subscribe({
    topics: ['customer.sessions_revoked'],
    handler: (event) => revoked.revoke(event.payload.familyIds),
  });
  if (!options.events) logger.warn('no event bus: sessions revoked after this gateway started are not refused until their tokens expire');

  const backfill = async (): Promise<void> => {
    await subscription?.ready;
    for (let attempt = 0; !closed; attempt++) {
      try {
        const { revokedSessions } = await options.internal.request<RevokedSessionsAnswer>('order', REVOKED_SESSIONS);
        if (closed) return;
        revoked.load(revokedSessions.accessTokenTtlSeconds, revokedSessions.sessions.map((s) => s.familyId));
        logger.info({ revoked: revokedSessions.sessions.length }, 'ended sessions loaded: tokens with a sid are checked against them');
        return;
      } catch (err) {
        if (closed) return;
        logger.warn({ err, attempt }, 'could not load the ended sessions from the order subgraph; tokens with a sid are refused meanwhile');
        await wakeup.wait(backoffDelay(attempt + 1, 100, maxDelay));
      }
    }
  };
  const loaded = backfill();

  return {
    readiness: {
      name: 'sessions',
      check: () => (revoked.loaded ? Promise.resolve() : Promise.reject(new Error('the ended sessions are not loaded yet (order subgraph revokedSessions)'))),
    },
    loaded,
    async close() {
      // Not waiting for an attempt in flight (up to the internal client's timeout): its answer is then ignored.
      closed = true;
      wakeup.wake();
      await subscription?.close();
    },
  };
}
