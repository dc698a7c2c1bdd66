import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { REPO_ROOT } from '@shopgraph/kit';

const CLIENT_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'client');
const CACHE_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'shopgraph-playground');

export interface PlaygroundBundle {
  dir: string;
  /** File names of the built assets, e.g. main-3F2A1B.js. */
  files: string[];
}

/** The bundle depends on the client source and the installed GraphiQL/React versions. */
function inputsHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(CLIENT_DIR).sort()) hash.update(file).update(readFileSync(path.join(CLIENT_DIR, file)));
  for (const pkg of ['graphiql', '@graphiql/react', '@graphiql/toolkit', 'react', 'react-dom', 'esbuild']) {
    hash.update(readFileSync(path.join(REPO_ROOT, 'node_modules', pkg, 'package.json')));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Bundles GraphiQL once per set of inputs into node_modules/.cache; later starts reuse it.
 * Built into a temporary folder and renamed, so a crash never leaves half a bundle.
 */
export async function buildPlayground(): Promise<PlaygroundBundle> {
  const dir = path.join(CACHE_DIR, inputsHash());
  if (!existsSync(dir)) {
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    await build({
      entryPoints: [path.join(CLIENT_DIR, 'main.ts')],
      bundle: true,
      minify: true,
      format: 'iife',
      target: 'es2020',
      outdir: tmp,
      entryNames: '[name]-[hash]',
      assetNames: '[name]-[hash]',
      loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.svg': 'file', '.png': 'file' },
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'error',
      legalComments: 'none',
    });
    mkdirSync(CACHE_DIR, { recursive: true });
    if (!existsSync(dir)) renameSync(tmp, dir);
    else rmSync(tmp, { recursive: true, force: true });
  }
  return { dir, files: readdirSync(dir) };
}
