import type { IncomingMessage } from 'node:http';

/**
 * The caller's address for per-IP limits. With `trustedHops` proxies in front of the
 * gateway, the address is read from X-Forwarded-For, skipping the entries those proxies
 * appended; without, the socket's peer (X-Forwarded-For would be the caller's to forge).
 */
export function clientAddress(req: IncomingMessage, trustedHops: number): string {
  const peer = normalise(req.socket.remoteAddress ?? 'unknown');
  if (trustedHops === 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const chain = [...forwarded.map(normalise), peer];
  return chain[Math.max(0, chain.length - 1 - trustedHops)]!;
}

function normalise(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}
