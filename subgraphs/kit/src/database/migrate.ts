import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../paths.js';

/**
 * Applies prisma/migrations with Prisma's own `migrate deploy` (offline: Wasm schema
 * engine + driver adapter, see prisma.config.ts), exactly as an operator would.
 */
export function migrateDeploy(databaseUrl: string): Promise<void> {
  const cli = path.join(REPO_ROOT, 'node_modules', 'prisma', 'build', 'index.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'migrate', 'deploy'], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`prisma migrate deploy failed (${code}):\n${output}`))));
  });
}
