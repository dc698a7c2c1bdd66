import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';

/**
 * Where media bytes live. Keys are relative, slash-separated names made of safe characters
 * (MEDIA_KEY); the public ones (renditions) name their bytes by their SHA-256, so a key's
 * bytes never change. Local disk by default; an S3 bucket fits the same four calls.
 */
export interface MediaStorage {
  /** Stores `body` under `key`, replacing what was there, atomically (readers see all or nothing). */
  put(key: string, body: Buffer): Promise<void>;
  /**
   * Streams `body` into `key`, refusing (MediaTooLargeError, nothing stored) past `maxBytes`.
   * `inspect` sees the first chunk and may throw to stop early (a file that is no image).
   */
  putStream(key: string, body: Readable, options: { maxBytes: number; inspect?: (head: Buffer) => void }): Promise<{ bytes: number; sha256: string }>;
  get(key: string): Promise<Buffer | undefined>;
  /** A stream of the bytes and their size, or undefined when there is no such key. */
  open(key: string): Promise<{ stream: Readable; size: number } | undefined>;
  delete(key: string): Promise<void>;
}

/** Letters, digits and `._-` in slash-separated segments; no `..`, no leading slash. */
export const MEDIA_KEY = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}\/){0,4}[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

export function assertMediaKey(key: string): void {
  if (!MEDIA_KEY.test(key) || key.split('/').some((part) => part === '..' || part === '.')) throw new Error(`not a media key: ${JSON.stringify(key)}`);
}

export class MediaTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`larger than ${maxBytes} bytes`);
    this.name = 'MediaTooLargeError';
  }
}

/** Media on the local disk under `root` (MEDIA_DIR, by default .data/media in the repository). */
export class LocalDiskStorage implements MediaStorage {
  constructor(readonly root: string) {}

  private pathOf(key: string): string {
    assertMediaKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  private async temporaryBeside(file: string): Promise<string> {
    await mkdir(path.dirname(file), { recursive: true });
    return `${file}.${randomBytes(6).toString('hex')}.part`;
  }

  async put(key: string, body: Buffer): Promise<void> {
    const file = this.pathOf(key);
    const temporary = await this.temporaryBeside(file);
    await pipeline(async function* () {
      yield body;
    }, createWriteStream(temporary));
    await rename(temporary, file);
  }

  async putStream(key: string, body: Readable, options: { maxBytes: number; inspect?: (head: Buffer) => void }): Promise<{ bytes: number; sha256: string }> {
    const file = this.pathOf(key);
    const temporary = await this.temporaryBeside(file);
    const hash = createHash('sha256');
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        try {
          if (bytes === 0) options.inspect?.(chunk);
          bytes += chunk.length;
          if (bytes > options.maxBytes) throw new MediaTooLargeError(options.maxBytes);
          hash.update(chunk);
          done(null, chunk);
        } catch (err) {
          done(err as Error);
        }
      },
    });
    try {
      await pipeline(body, counter, createWriteStream(temporary));
      await rename(temporary, file);
    } catch (err) {
      await rm(temporary, { force: true });
      throw err;
    }
    return { bytes, sha256: hash.digest('hex') };
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async open(key: string): Promise<{ stream: Readable; size: number } | undefined> {
    const file = this.pathOf(key);
    try {
      const info = await stat(file);
      if (!info.isFile()) return undefined;
      return { stream: createReadStream(file), size: info.size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}
