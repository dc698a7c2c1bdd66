import { readFileSync } from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';

type CompositionHint = NonNullable<ReturnType<typeof composeServices>['hints']>[number];
import { SCHEMA_DIR, SERVICE_PORTS, SUBGRAPH_NAMES, type SubgraphName } from '@shopgraph/kit';
import { parse } from 'graphql';

export const SUPERGRAPH_PATH = path.join(SCHEMA_DIR, 'supergraph.graphql');

/**
 * Composition hints we accept on purpose, each with the reason. Any other hint fails
 * `npm run compose` and the staleness test, so a new one is a decision, not noise.
 */
export const ACCEPTED_HINTS: ReadonlyArray<{ code: string; about: string; reason: string }> = [
  {
    code: 'UNUSED_ENUM_TYPE',
    about: '"CacheControlScope"',
    reason: 'the argument type of @cacheControl, which every subgraph declares for its own Apollo cache hints; the gateway never serves it',
  },
];

export function defaultSubgraphUrl(name: SubgraphName): string {
  return `http://localhost:${SERVICE_PORTS[name]}/graphql`;
}

export interface CompositionOutcome {
  supergraphSdl: string;
  unexpectedHints: CompositionHint[];
}

/** Composes schema/<name>.graphql of every subgraph into the supergraph SDL. */
export function composeSupergraph(): CompositionOutcome {
  const result = composeServices(
    SUBGRAPH_NAMES.map((name) => ({
      name,
      url: defaultSubgraphUrl(name),
      typeDefs: parse(readFileSync(path.join(SCHEMA_DIR, `${name}.graphql`), 'utf8')),
    })),
  );
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  const unexpectedHints = result.hints.filter((h) => !ACCEPTED_HINTS.some((a) => a.code === h.definition.code && h.message.includes(a.about)));
  return { supergraphSdl: `${result.supergraphSdl.trimEnd()}\n`, unexpectedHints };
}

export function readCheckedInSupergraph(): string {
  return readFileSync(SUPERGRAPH_PATH, 'utf8');
}
