import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { MIN_SECRET_LENGTH } from '@shopgraph/kit/auth';

/** What `npm start` hands its services: the gateway's JWT key and the secret gateway and subgraphs share. */
export interface LaunchSecrets {
  /** HS256 key for JWT_SECRET; undefined when JWT_JWKS_URL points at an identity provider instead. */
  jwtSecret: string | undefined;
  internalSigningSecret: string;
  /** Where generated secrets live (mode 0600). */
  file: string;
  /** True when this start generated them. */
  created: boolean;
}

export const SECRETS_FILE = 'secrets.json';

const stored = z.object({
  jwtSecret: z.string().min(MIN_SECRET_LENGTH),
  internalSigningSecret: z.string().min(MIN_SECRET_LENGTH),
});

const generate = () => randomBytes(32).toString('base64url');

/**
 * Generated once under the data directory and reused, so tokens stay valid across
 * restarts. JWT_SECRET and INTERNAL_SIGNING_SECRET in the environment win over the file.
 */
export function loadOrCreateSecrets(dataDir: string, env: NodeJS.ProcessEnv = process.env): LaunchSecrets {
  const file = path.join(dataDir, SECRETS_FILE);
  let secrets: z.infer<typeof stored>;
  let created = false;
  try {
    secrets = stored.parse(JSON.parse(readFileSync(file, 'utf8')));
    // Someone loosened it (a copy, an editor): only its owner may read it.
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`${file} is not a valid secrets file (${err instanceof Error ? err.message : String(err)}); delete it to generate new secrets`);
    }
    secrets = { jwtSecret: generate(), internalSigningSecret: generate() };
    mkdirSync(dataDir, { recursive: true });
    // 'wx': never overwrite secrets another start wrote a moment ago.
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    created = true;
  }
  const jwks = env.JWT_JWKS_URL?.trim();
  return {
    jwtSecret: env.JWT_SECRET?.trim() || (jwks ? undefined : secrets.jwtSecret),
    internalSigningSecret: env.INTERNAL_SIGNING_SECRET?.trim() || secrets.internalSigningSecret,
    file,
    created,
  };
}

/** The JWT secret `npm run token` signs with: JWT_SECRET, else the one `npm start` generated. */
export function readJwtSecret(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.JWT_SECRET?.trim();
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir, SECRETS_FILE);
  try {
    return stored.parse(JSON.parse(readFileSync(file, 'utf8'))).jwtSecret;
  } catch {
    throw new Error(`no JWT_SECRET in the environment and no ${file}: run \`npm start\` once, or set JWT_SECRET`);
  }
}
