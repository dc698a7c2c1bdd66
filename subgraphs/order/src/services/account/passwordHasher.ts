import { randomBytes } from 'node:crypto';
import { hash, verify, type Options } from '@node-rs/argon2';

/**
 * argon2id with OWASP's first recommended setting (19 MiB, 2 passes, 1 lane): about 20 ms
 * here, enough to make guessing slow without letting sign-ins exhaust a 2-core machine.
 * The parameters live in each PHC string, so raising them later still verifies old hashes.
 */
const ARGON2ID: Options = {
  // Algorithm.Argon2id: the package's const enum cannot be imported under isolatedModules.
  algorithm: 2,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

export class PasswordHasher {
  /** A hash of a random password: verified against when the email is unknown, so both failures take as long. */
  private readonly dummy: Promise<string>;

  constructor() {
    this.dummy = hash(randomBytes(24).toString('base64url'), ARGON2ID);
  }

  hash(password: string): Promise<string> {
    return hash(password, ARGON2ID);
  }

  /** Whether `password` matches `stored`; with no stored hash (unknown email, no password set) it does the same work and says no. */
  async verify(stored: string | null | undefined, password: string): Promise<boolean> {
    if (!stored) {
      await verify(await this.dummy, password).catch(() => false);
      return false;
    }
    try {
      return await verify(stored, password);
    } catch {
      return false;
    }
  }
}
