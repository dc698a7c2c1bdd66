import { randomUUID } from 'node:crypto';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { fetch } from 'undici';
import { ErrorCode, IDENTITY_HEADER, REQUEST_ID_HEADER, type Identity, type InternalSigner, type SubgraphName } from '@shopgraph/kit';
import type { LiveField } from './liveFields.js';

/** Asks a field's owning subgraph whether `identity` may subscribe; returns its answer or the refusal. */
export type AdmitAtSubgraph = (field: LiveField, args: Record<string, unknown>, identity: Identity) => Promise<Record<string, unknown> | readonly GraphQLError[]>;

/**
 * The owning subgraph admits a subscription: it runs the field's `resolve` (the owner rules)
 * for the subscription operation, sent over HTTP and signed with the subscriber's identity
 * exactly as the gateway signs its queries.
 */
export function subgraphAdmission(urls: Record<SubgraphName, string>, signer: InternalSigner | undefined): AdmitAtSubgraph {
  return async (field, args, identity) => {
    if (!field.admission) return {};
    const body = JSON.stringify({ query: field.admission, variables: args });
    const url = urls[field.subgraph];
    const headers: Record<string, string> = { 'content-type': 'application/json', [REQUEST_ID_HEADER]: randomUUID() };
    if (signer) headers[IDENTITY_HEADER] = signer.sign(identity, { method: 'POST', search: new URL(url).search, body });
    let answer: { data?: Record<string, unknown> | null; errors?: GraphQLFormattedError[] };
    try {
      const response = await fetch(url, { method: 'POST', headers, body });
      answer = (await response.json()) as typeof answer;
    } catch (err) {
      return [new GraphQLError(`Cannot check this subscription right now (${field.subgraph} did not answer)`, { extensions: { code: 'SERVICE_UNAVAILABLE' }, originalError: err as Error })];
    }
    const admitted = answer.data?.[field.name];
    if (answer.errors?.length || !admitted || typeof admitted !== 'object') {
      const errors = answer.errors?.length ? answer.errors : [{ message: 'Subscription refused', extensions: { code: ErrorCode.FORBIDDEN } }];
      return errors.map((e) => new GraphQLError(e.message, { extensions: e.extensions ?? {} }));
    }
    return admitted as Record<string, unknown>;
  };
}
