// `npm run compose`: writes schema/supergraph.graphql; `--check` only reports staleness (CI).
import { writeFileSync, existsSync } from 'node:fs';
import { composeSupergraph, readCheckedInSupergraph, SUPERGRAPH_PATH } from './composeSupergraph.js';

const check = process.argv.includes('--check');
try {
  const { supergraphSdl, unexpectedHints } = composeSupergraph();
  for (const hint of unexpectedHints) console.error(`hint ${hint.definition.code}: ${hint.message}`);
  if (check) {
    const stale = !existsSync(SUPERGRAPH_PATH) || readCheckedInSupergraph() !== supergraphSdl;
    if (stale) console.error('schema/supergraph.graphql is stale: run `npm run compose` and commit it.');
    process.exitCode = stale || unexpectedHints.length > 0 ? 1 : 0;
  } else {
    writeFileSync(SUPERGRAPH_PATH, supergraphSdl);
    console.log(`wrote ${SUPERGRAPH_PATH}`);
    process.exitCode = unexpectedHints.length > 0 ? 1 : 0;
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
