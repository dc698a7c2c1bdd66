import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { InputError } from '@shopgraph/kit';

/**
 * Where webhooks may go. With private networks refused (production default), an endpoint's
 * host must resolve only to public addresses, checked when it is registered AND at every
 * connection (the `lookup` handed to http.request), so a name that later resolves to
 * 127.0.0.1 or the cloud metadata address (DNS rebinding) is refused at send time too.
 * Redirects are never followed.
 */
const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv6');
}

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    // IPv4-mapped (::ffff:10.0.0.1) is the IPv4 address it carries.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return isPublicAddress(mapped[1]!);
    return !NON_PUBLIC.check(address, 'ipv6');
  }
  return !NON_PUBLIC.check(address, 'ipv4');
}

const MAX_URL_LENGTH = 2048;

async function resolveAll(hostname: string): Promise<string[]> {
  if (isIP(hostname)) return [hostname];
  return new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true }, (err, addresses: LookupAddress[]) => (err ? reject(err) : resolve(addresses.map((a) => a.address))));
  });
}

/** The endpoint URL normalised, or BAD_USER_INPUT on `field`: http(s), no credentials, and public unless private networks are allowed. */
export async function validateWebhookUrl(raw: string, allowPrivateNetworks: boolean, field = 'input.url'): Promise<string> {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw InputError.of(field, 'is not an absolute URL');
  }
  if (text.length > MAX_URL_LENGTH) throw InputError.of(field, `must be at most ${MAX_URL_LENGTH} characters`);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw InputError.of(field, 'must be an http or https URL');
  if (url.username || url.password) throw InputError.of(field, 'must not carry credentials');
  url.hash = '';
  if (!allowPrivateNetworks) {
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    let addresses: string[];
    try {
      addresses = await resolveAll(hostname);
    } catch {
      throw InputError.of(field, `host ${hostname} does not resolve`);
    }
    if (addresses.length === 0 || !addresses.every(isPublicAddress)) throw InputError.of(field, 'must be on a public network (private, loopback and link-local addresses are refused)');
  }
  return url.toString();
}

/**
 * The connection-time check for an IP literal host, which http.request connects to without
 * calling `lookup`: an error message when it is not public, else null.
 */
export function refusedAddressLiteral(hostname: string): string | null {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) && !isPublicAddress(host) ? `refused: ${host} is a non-public address` : null;
}

/** A `lookup` for http.request that refuses non-public addresses (connection-time SSRF check). */
export function publicOnlyLookup(): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const refused = addresses.find((a) => !isPublicAddress(a.address));
      if (refused || addresses.length === 0) {
        return callback(Object.assign(new Error(`refused: ${hostname} resolves to a non-public address`), { code: 'EWEBHOOKPRIVATE' }), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
