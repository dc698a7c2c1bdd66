import {
  defaultFieldResolver,
  getNamedType,
  isObjectType,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { DomainError, ErrorCode } from '../errors.js';
import type { Identity } from './identity.js';
import { satisfiesScopes } from './authorization.js';

/**
 * Federation's own authorization directives, enforced in every subgraph. The SDL imports
 * them in its @link (`import: ["@key", "@authenticated", "@requiresScopes"]`) and puts them
 * on fields, object types, scalars or enums (Federation refuses them on interfaces); they
 * compose into the supergraph as the Router expects. Apollo Gateway does not enforce them,
 * so each subgraph does it here: every field guarded by a directive (on itself, on its
 * parent type, or on the type it returns) checks the request's identity before its
 * resolver runs.
 *
 *   @authenticated                      any signed-in caller
 *   @requiresScopes(scopes: [["a","b"], ["c"]])   (a AND b) OR c, from the identity's scopes
 *
 * Several guards on one field must all pass. Anonymous callers get UNAUTHENTICATED,
 * signed-in ones without the scopes FORBIDDEN.
 */
export interface FieldGuard {
  authenticated: boolean;
  /** Each entry is one @requiresScopes argument; all must be satisfied. */
  scopes: string[][][];
}

const AUTHENTICATED = new Set(['authenticated', 'federation__authenticated']);
const REQUIRES_SCOPES = new Set(['requiresScopes', 'federation__requiresScopes']);

function directivesOf(node: { astNode?: { directives?: readonly ConstDirectiveNode[] } | null; extensionASTNodes?: readonly { directives?: readonly ConstDirectiveNode[] }[] }): ConstDirectiveNode[] {
  return [...(node.astNode?.directives ?? []), ...(node.extensionASTNodes ?? []).flatMap((n) => n.directives ?? [])];
}

function addGuards(guard: FieldGuard, directives: readonly ConstDirectiveNode[]): void {
  for (const d of directives) {
    if (AUTHENTICATED.has(d.name.value)) guard.authenticated = true;
    if (REQUIRES_SCOPES.has(d.name.value)) {
      const arg = d.arguments?.find((a) => a.name.value === 'scopes');
      const value: unknown = arg ? valueFromASTUntyped(arg.value) : undefined;
      if (!Array.isArray(value) || !value.every((set) => Array.isArray(set) && set.every((s) => typeof s === 'string'))) {
        throw new Error(`@requiresScopes needs scopes: [[String!]!]!, got ${JSON.stringify(value)}`);
      }
      guard.scopes.push(value);
    }
  }
}

function guardOf(type: GraphQLNamedType, field: GraphQLField<unknown, unknown>): FieldGuard | undefined {
  const guard: FieldGuard = { authenticated: false, scopes: [] };
  addGuards(guard, directivesOf(field));
  addGuards(guard, directivesOf(type));
  addGuards(guard, directivesOf(getNamedType(field.type)));
  return guard.authenticated || guard.scopes.length > 0 ? guard : undefined;
}

/** Throws UNAUTHENTICATED or FORBIDDEN when `identity` does not pass `guard`. */
export function checkGuard(identity: Identity, guard: FieldGuard, coordinate: string): void {
  if (identity.kind === 'service') {
    // A service passes only guards that name its scopes (service-only fields); it is nobody to own a customer's thing.
    if (guard.scopes.length > 0 && guard.scopes.every((anyOf) => satisfiesScopes(identity, anyOf))) return;
    throw new DomainError(ErrorCode.FORBIDDEN, `${coordinate} is not for service calls`);
  }
  if (identity.kind !== 'user') {
    throw new DomainError(ErrorCode.UNAUTHENTICATED, `Sign in to read ${coordinate}`);
  }
  const missing = guard.scopes.find((anyOf) => !satisfiesScopes(identity, anyOf));
  if (missing) {
    throw new DomainError(ErrorCode.FORBIDDEN, `${coordinate} requires scopes ${missing.map((all) => all.join(' AND ')).join(' OR ')}`, {
      requiredScopes: missing,
    });
  }
}

/**
 * Wraps the resolver of every guarded field of `schema` (in place) and returns the
 * coordinates it guarded, e.g. ["Query.lowStock"]. The request context must carry
 * `identity` (the kit's RequestContext does).
 */
export function enforceAuthDirectives(schema: GraphQLSchema): string[] {
  const guarded: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const [name, field] of Object.entries(type.getFields())) {
      const guard = guardOf(type, field);
      if (!guard) continue;
      const coordinate = `${type.name}.${name}`;
      guarded.push(coordinate);
      const resolve: GraphQLFieldResolver<unknown, { identity?: Identity }> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context: { identity?: Identity }, info) => {
        checkGuard(context.identity ?? { kind: 'anonymous' }, guard, coordinate);
        return resolve(source, args, context, info);
      };
      if (field.subscribe) {
        const subscribe = field.subscribe;
        field.subscribe = (source, args, context: { identity?: Identity }, info) => {
          checkGuard(context.identity ?? { kind: 'anonymous' }, guard, coordinate);
          return subscribe(source, args, context, info);
        };
      }
    }
  }
  return guarded;
}
