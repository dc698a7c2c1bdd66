import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { issueToken } from '../auth/issueToken.js';

/** Issues the admin token the playground offers; present only in development mode. */
export type DevelopmentTokenIssuer = () => Promise<string>;

/** Headers a proxy adds: behind one, every caller would look local. */
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip'];
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return address === '::1';
}

/**
 * Whether a playground request may be handed the development admin token: it comes straight
 * from this machine (a loopback peer, no proxy in between) and names this machine in its Host
 * header, so a page on another site that rebinds its DNS name to 127.0.0.1 gets nothing.
 */
export function isLocalBrowserRequest(req: IncomingMessage): boolean {
  if (!isLoopbackAddress(req.socket.remoteAddress)) return false;
  if (FORWARDING_HEADERS.some((h) => req.headers[h] !== undefined)) return false;
  const host = req.headers.host?.toLowerCase().replace(/:\d{1,5}$/, '');
  return host !== undefined && LOOPBACK_NAMES.has(host);
}

export interface DevelopmentTokenSettings {
  /** SHOPGRAPH_DEVELOPMENT: set by `npm start`, never by docker-compose. */
  development: boolean;
  /** The gateway's HS256 key; undefined with JWKS (an identity provider issues the tokens). */
  jwtSecret: string | undefined;
  issuer: string | undefined;
  audience: string | undefined;
}

/** How long a token the playground hands out stays valid. */
export const DEVELOPMENT_TOKEN_TTL = '8h';

/**
 * The rule: an issuer exists only in development mode with an HS256 secret the gateway holds;
 * anywhere else the playground has no token to offer.
 */
export function developmentTokenIssuer(settings: DevelopmentTokenSettings): DevelopmentTokenIssuer | undefined {
  const { jwtSecret } = settings;
  if (!settings.development || !jwtSecret) return undefined;
  return () =>
    issueToken(jwtSecret, { role: 'ADMIN', subject: 'dev-admin', ttl: DEVELOPMENT_TOKEN_TTL, issuer: settings.issuer, audience: settings.audience });
}
