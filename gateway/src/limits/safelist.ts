import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { GraphQLHttpRefusal, RefusalCode, type GraphQLHttpCall } from '@shopgraph/kit';

/**
 * Safelist mode (SHOPGRAPH_SAFELIST=manifest.json): the gateway runs only the operations a
 * storefront build registered. A request names one by id (`extensions.persistedQuery.sha256Hash`
 * as Apollo Client's persisted-queries link sends it, or a top-level `documentId`) or sends
 * its exact text; anything else is refused before it is parsed. Two manifest formats:
 *
 * - Apollo's persisted query manifest (generate-persisted-query-manifest):
 *   `{ "format": "apollo-persisted-query-manifest", "version": 1,
 *      "operations": [{ "id", "name", "type", "body" }] }`
 * - GraphQL Codegen's client preset (`persistedDocuments: true`), persisted-documents.json:
 *   `{ "<hash>": "<document>" }`
 */
export interface Safelist {
  readonly size: number;
  /** Rewrites an id into its registered text, or throws a refusal. */
  admit(call: GraphQLHttpCall): void;
}

const apolloManifest = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(z.object({ id: z.string().min(1), body: z.string().min(1), name: z.string().optional(), type: z.string().optional() })),
});
const codegenManifest = z.record(z.string().min(1), z.string().min(1));

export function parseSafelistManifest(json: unknown): Map<string, string> {
  const apollo = apolloManifest.safeParse(json);
  if (apollo.success) return new Map(apollo.data.operations.map((o) => [o.id, o.body]));
  const codegen = codegenManifest.safeParse(json);
  if (codegen.success) return new Map(Object.entries(codegen.data));
  throw new Error('not a persisted query manifest (expected Apollo\'s "apollo-persisted-query-manifest" or a GraphQL Codegen { "<hash>": "<document>" } map)');
}

export function loadSafelist(file: string): Safelist {
  let operations: Map<string, string>;
  try {
    operations = parseSafelistManifest(JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    throw new Error(`SHOPGRAPH_SAFELIST=${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return createSafelist(operations);
}

interface OperationFields {
  query?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

export function createSafelist(operations: ReadonlyMap<string, string>): Safelist {
  const bodies = new Set(operations.values());
  const resolve = (fields: OperationFields): string | undefined => {
    const extensions = (typeof fields.extensions === 'object' && fields.extensions) || {};
    const persisted = (extensions as { persistedQuery?: { sha256Hash?: unknown } }).persistedQuery;
    const id = typeof fields.documentId === 'string' ? fields.documentId : persisted?.sha256Hash;
    if (id !== undefined) {
      const body = typeof id === 'string' ? operations.get(id) : undefined;
      if (body === undefined) throw new GraphQLHttpRefusal(400, RefusalCode.PERSISTED_QUERY_NOT_IN_LIST, `Operation ${JSON.stringify(id)} is not in the safelist`);
      return body;
    }
    if (typeof fields.query === 'string' && !bodies.has(fields.query)) {
      throw new GraphQLHttpRefusal(400, RefusalCode.QUERY_NOT_IN_SAFELIST, 'This operation is not in the safelist: send a registered id or its exact text');
    }
    return undefined;
  };
  return {
    size: operations.size,
    admit(call) {
      if (call.method === 'GET') {
        const params = new URLSearchParams(call.search);
        const extensions = params.get('extensions');
        let parsed: unknown;
        try {
          parsed = extensions ? JSON.parse(extensions) : undefined;
        } catch {
          throw new GraphQLHttpRefusal(400, RefusalCode.BAD_REQUEST, 'The extensions parameter is not valid JSON');
        }
        const body = resolve({ query: params.get('query') ?? undefined, documentId: params.get('documentId') ?? undefined, extensions: parsed });
        if (body !== undefined) {
          params.set('query', body);
          params.delete('documentId');
          params.delete('extensions');
          call.search = `?${params.toString()}`;
        }
        return;
      }
      if (typeof call.body !== 'object' || call.body === null || Array.isArray(call.body)) return;
      const fields = call.body as OperationFields & Record<string, unknown>;
      const body = resolve(fields);
      if (body !== undefined) {
        const { documentId: _id, extensions, ...rest } = fields;
        const { persistedQuery: _pq, ...otherExtensions } = ((typeof extensions === 'object' && extensions) || {}) as Record<string, unknown>;
        call.body = { ...rest, query: body, ...(Object.keys(otherExtensions).length > 0 && { extensions: otherExtensions }) };
      }
    },
  };
}
