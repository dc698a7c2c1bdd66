// `npm run token -- --role admin|customer|seller [--sub admin-1] [--scope "catalog orders"] [--ttl 1h]`: prints a
// JWT the gateway accepts, signed with JWT_SECRET or the secret `npm start` generated.
import { parseArgs } from 'node:util';
// The light entry points: a command should not load Prisma and Apollo to sign a token.
import { ADMIN_SCOPES, isRole, ROLES } from '@shopgraph/kit/auth';
import { readLaunchSettings } from '../launch/launchSettings.js';
import { readJwtSecret } from '../launch/launchSecrets.js';
import { issueToken } from './issueToken.js';

const USAGE = `usage: npm run token -- --role admin|customer|seller [--sub <subject>] [--scope "<scopes>"] [--ttl 1h]
  --role   CUSTOMER, ADMIN or SELLER (any case)
  --sub    the token's subject, a seller's id for SELLER (default: admin-1, customer-1 or seller-1)
  --scope  space-separated scopes; an admin without --scope gets all of: ${ADMIN_SCOPES.join(' ')}
  --ttl    lifetime: 30m, 1h, 7d, ... (default 1h)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      sub: { type: 'string' },
      scope: { type: 'string' },
      ttl: { type: 'string', default: '1h' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const role = values.role?.toUpperCase();
  if (!isRole(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}\n${USAGE}`);
  if (!/^\d+(s|m|h|d|w)?$|^\d+ ?(sec|secs|second|seconds|min|mins|minute|minutes|hour|hours|day|days|week|weeks)$/.test(values.ttl)) {
    throw new Error(`--ttl must look like 30m, 1h or 7d\n${USAGE}`);
  }
  const secret = readJwtSecret(readLaunchSettings().dataDir);
  const token = await issueToken(secret, {
    role,
    subject: values.sub ?? `${role.toLowerCase()}-1`,
    ...(values.scope !== undefined && { scopes: values.scope.split(/\s+/).filter(Boolean) }),
    ttl: /^\d+$/.test(values.ttl) ? Number(values.ttl) : values.ttl,
    issuer: process.env.JWT_ISSUER?.trim() || undefined,
    audience: process.env.JWT_AUDIENCE?.trim() || undefined,
  });
  console.log(token);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
