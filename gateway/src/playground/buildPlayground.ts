import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { REPO_ROOT } from '@shopgraph/kit';

const THIS_FILE = fileURLToPath(import.meta.url);
const CLIENT_DIR = path.join(path.dirname(THIS_FILE), 'client');
/** Gitignored with node_modules; one sub-directory per input hash. */
export const PLAYGROUND_CACHE_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'shopgraph-playground');
const COMPRESSIBLE = new Set(['.js', '.css', '.svg']);

export interface PlaygroundAsset {
  /** File name, e.g. main.js or codicon-3F2A1B.ttf. */
  name: string;
  body: Buffer;
  /** Gzip of body for text assets, built once with the bundle. */
  gzip?: Buffer;
}

export interface PlaygroundBundle {
  /** Hash of every input; assets are served under /playground/<key>/, so they are immutable. */
  key: string;
  assets: PlaygroundAsset[];
  /** How long esbuild took, or null when a cached build was reused. */
  buildMs: number | null;
  /** Where the build is cached, or null when that folder could not be written (served from memory). */
  cachedAt: string | null;
}

/**
 * The bundle depends on the client source, this file's build options and every installed
 * package version (npm's hidden lockfile lists them all, transitive ones included).
 */
export function playgroundInputsHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(CLIENT_DIR).sort()) hash.update(file).update(readFileSync(path.join(CLIENT_DIR, file)));
  hash.update(readFileSync(THIS_FILE));
  const lockfile = [path.join(REPO_ROOT, 'node_modules', '.package-lock.json'), path.join(REPO_ROOT, 'package-lock.json')].find((f) => existsSync(f));
  if (lockfile) hash.update(readFileSync(lockfile));
  for (const pkg of ['graphiql', '@graphiql/react', '@graphiql/toolkit', 'react', 'react-dom', 'esbuild']) {
    hash.update(readFileSync(path.join(REPO_ROOT, 'node_modules', pkg, 'package.json')));
  }
  return hash.digest('hex').slice(0, 16);
}

async function bundle(outdir: string): Promise<PlaygroundAsset[]> {
  const result = await build({
    entryPoints: [path.join(CLIENT_DIR, 'main.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    write: false,
    outdir,
    entryNames: '[name]',
    assetNames: '[name]-[hash]',
    loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.svg': 'file', '.png': 'file' },
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
    legalComments: 'none',
  });
  return result.outputFiles.map((f) => ({ name: path.relative(outdir, f.path), body: Buffer.from(f.contents) }));
}

function compress(assets: PlaygroundAsset[]): PlaygroundAsset[] {
  return assets.map((a) => (COMPRESSIBLE.has(path.extname(a.name)) ? { ...a, gzip: gzipSync(a.body, { level: 9 }) } : a));
}

function readCached(dir: string): PlaygroundAsset[] {
  const names = readdirSync(dir);
  return names
    .filter((n) => !n.endsWith('.gz'))
    .map((name) => ({
      name,
      body: readFileSync(path.join(dir, name)),
      ...(names.includes(`${name}.gz`) ? { gzip: readFileSync(path.join(dir, `${name}.gz`)) } : {}),
    }));
}

/** Written to a temporary folder and renamed, so a crash never leaves half a bundle. */
function persist(dir: string, assets: PlaygroundAsset[]): boolean {
  const tmp = `${dir}.tmp-${process.pid}`;
  try {
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    for (const a of assets) {
      writeFileSync(path.join(tmp, a.name), a.body);
      if (a.gzip) writeFileSync(path.join(tmp, `${a.name}.gz`), a.gzip);
    }
    if (!existsSync(dir)) renameSync(tmp, dir);
    else rmSync(tmp, { recursive: true, force: true });
    // Builds of earlier inputs are dead weight; a running gateway holds its own in memory.
    for (const other of readdirSync(path.dirname(dir))) {
      if (other !== path.basename(dir) && !other.includes('.tmp-')) rmSync(path.join(path.dirname(dir), other), { recursive: true, force: true });
    }
    return true;
  } catch {
    // A read-only node_modules (e.g. a container running as a non-root user): serve from memory.
    rmSync(tmp, { recursive: true, force: true });
    return false;
  }
}

/**
 * Bundles GraphiQL with esbuild once per set of inputs into node_modules/.cache and reuses
 * that build on later starts.
 */
export async function buildPlayground(): Promise<PlaygroundBundle> {
  const key = playgroundInputsHash();
  const dir = path.join(PLAYGROUND_CACHE_DIR, key);
  if (existsSync(dir)) return { key, assets: readCached(dir), buildMs: null, cachedAt: dir };
  const started = performance.now();
  const assets = compress(await bundle(dir));
  const buildMs = Math.round(performance.now() - started);
  return { key, assets, buildMs, cachedAt: persist(dir, assets) ? dir : null };
}
