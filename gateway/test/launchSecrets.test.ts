import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { identityFor, REPO_ROOT } from '@shopgraph/kit';
import { createJwtVerifier } from '../src/auth/jwtVerifier.js';
import { loadOrCreateSecrets, SECRETS_FILE } from '../src/launch/launchSecrets.js';

const run = promisify(execFile);
const freshDir = () => mkdtempSync(path.join(tmpdir(), 'shopgraph-secrets-'));
const modeOf = (file: string) => statSync(file).mode & 0o777;

describe('secrets of the embedded default', () => {
  it('are generated once, readable by their owner only, and reused', () => {
    const dir = freshDir();
    const first = loadOrCreateSecrets(dir, {});
    expect(first.created).toBe(true);
    expect(first.jwtSecret!.length).toBeGreaterThanOrEqual(32);
    expect(first.internalSigningSecret.length).toBeGreaterThanOrEqual(32);
    expect(first.jwtSecret).not.toBe(first.internalSigningSecret);
    expect(modeOf(path.join(dir, SECRETS_FILE))).toBe(0o600);
    const again = loadOrCreateSecrets(dir, {});
    expect(again).toMatchObject({ created: false, jwtSecret: first.jwtSecret, internalSigningSecret: first.internalSigningSecret });
  });

  it('tighten a file someone loosened, and refuse a broken one', () => {
    const dir = freshDir();
    loadOrCreateSecrets(dir, {});
    const file = path.join(dir, SECRETS_FILE);
    chmodSync(file, 0o644);
    loadOrCreateSecrets(dir, {});
    expect(modeOf(file)).toBe(0o600);
    writeFileSync(file, '{"jwtSecret": "short"}');
    expect(() => loadOrCreateSecrets(dir, {})).toThrow(/not a valid secrets file/);
  });

  it('give way to the environment, and leave JWT to the identity provider when JWT_JWKS_URL is set', () => {
    const dir = freshDir();
    const env = { JWT_SECRET: 'x'.repeat(40), INTERNAL_SIGNING_SECRET: 'y'.repeat(40) };
    expect(loadOrCreateSecrets(dir, env)).toMatchObject({ jwtSecret: env.JWT_SECRET, internalSigningSecret: env.INTERNAL_SIGNING_SECRET });
    expect(loadOrCreateSecrets(dir, { JWT_JWKS_URL: 'https://id.example/jwks.json' }).jwtSecret).toBeUndefined();
  });
});

// Each case starts `npm run token` (npm, then tsx) up to three times: slow on a busy machine.
describe('npm run token', { timeout: 120_000 }, () => {
  const token = (args: string[], env: NodeJS.ProcessEnv) =>
    run('npm', ['run', '-s', 'token', '--', ...args], { cwd: REPO_ROOT, env: { ...process.env, JWT_SECRET: '', JWT_ISSUER: '', JWT_AUDIENCE: '', ...env } });

  it('prints a token signed with the secret npm start generated, with the role, scopes and lifetime asked for', async () => {
    const dir = freshDir();
    const { jwtSecret } = loadOrCreateSecrets(dir, {});
    const { stdout } = await token(['--role', 'admin', '--sub', 'ops-1', '--scope', 'catalog orders', '--ttl', '2h'], { SHOPGRAPH_DATA_DIR: dir });
    const printed = stdout.trim();
    const verifier = createJwtVerifier({ secret: jwtSecret, jwksUrl: undefined, issuer: undefined, audience: undefined });
    expect(await verifier.identify(`Bearer ${printed}`)).toEqual(identityFor('ops-1', 'ADMIN', ['catalog', 'orders']));
    const claims = decodeJwt(printed);
    expect(claims.exp! - claims.iat!).toBe(7200);
  });

  it('signs with JWT_SECRET when it is set, and explains a bad role', async () => {
    const secret = 'z'.repeat(40);
    const { stdout } = await token(['--role', 'customer'], { JWT_SECRET: secret, SHOPGRAPH_DATA_DIR: freshDir() });
    const verifier = createJwtVerifier({ secret, jwksUrl: undefined, issuer: undefined, audience: undefined });
    expect(await verifier.identify(`Bearer ${stdout.trim()}`)).toEqual(identityFor('customer-1', 'CUSTOMER'));
    const seller = await token(['--role', 'seller', '--sub', 'seller-7'], { JWT_SECRET: secret });
    expect(await verifier.identify(`Bearer ${seller.stdout.trim()}`)).toEqual(identityFor('seller-7', 'SELLER'));
    await expect(token(['--role', 'root'], { JWT_SECRET: secret })).rejects.toMatchObject({ stderr: expect.stringContaining('--role must be one of') });
    await expect(token(['--role', 'admin'], { SHOPGRAPH_DATA_DIR: freshDir() })).rejects.toMatchObject({ stderr: expect.stringContaining('run `npm start` once') });
  });
});

