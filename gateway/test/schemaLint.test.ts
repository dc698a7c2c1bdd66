import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The .graphql lint itself (eslint.config.js): each subgraph's SDL must be checked against its
 * own schema, whatever order ESLint meets the files in. The parser keeps the first graphql-config
 * it loads for the whole process, so a per-file config once linted every file against the first
 * file's schema: green on one checkout, red on a clean clone that listed the files differently.
 * The parser skips that memo under NODE_ENV=test, which vitest sets, so ESLint runs here as
 * `npm run lint` runs it: in a process of its own, without NODE_ENV.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const eslintBin = `${root}node_modules/eslint/bin/eslint.js`;

interface LintResult {
  filePath: string;
  messages: { severity: number; line: number; message: string }[];
}

function eslint(args: string[], stdin?: string): Promise<string[]> {
  const env = { ...process.env };
  delete env.NODE_ENV;
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [eslintBin, '--format', 'json', ...args], { cwd: root, env, maxBuffer: 64 << 20 }, (error, stdout) => {
      // Exit code 1 means lint errors, which the JSON lists; anything else is ESLint failing.
      if (error && error.code !== 1) return reject(new Error(`eslint failed: ${error.message}`));
      const results = JSON.parse(stdout) as LintResult[];
      resolve(results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${r.filePath.slice(root.length)}:${m.line} ${m.message}`)));
    });
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
}

describe('the .graphql lint', () => {
  it('checks each subgraph against its own schema in any file order', async () => {
    // product.graphql does not import @authenticated; cart and order do. Product first is the
    // order that broke the per-file configs.
    for (const order of [
      ['product', 'cart', 'order', 'inventory', 'recommendation'],
      ['order', 'recommendation', 'inventory', 'cart', 'product'],
    ]) {
      expect(await eslint(order.map((name) => `schema/${name}.graphql`))).toEqual([]);
    }
  }, 60_000);

  it('still refuses a directive the subgraph does not import', async () => {
    // The other half of the check above: a green lint means the rule ran and found nothing.
    const product = readFileSync(`${root}schema/product.graphql`, 'utf8');
    const withUnimported = product.replace(/^type Query \{\n/m, (m) => `${m}  "Only for this test."\n  mine: Product @authenticated\n`);
    expect(withUnimported).not.toEqual(product);
    const errors = await eslint(['--stdin', '--stdin-filename', 'schema/product.graphql'], withUnimported);
    expect(errors).toEqual([expect.stringMatching(/^schema\/product\.graphql:\d+ Unknown directive "@authenticated"/)]);
  }, 60_000);
});
