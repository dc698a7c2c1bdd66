import {
  buildASTSchema,
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  parse,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { readCheckedInSupergraph } from '../src/supergraph/composeSupergraph.js';

/**
 * The .graphql lint's "no unreachable types", on the composed supergraph: @graphql-eslint's
 * rule cannot see a subgraph's root fields (see eslint.config.js), and a type only another
 * subgraph reaches is reachable all the same.
 */
function reachableFromRoots(schema: GraphQLSchema): Set<string> {
  const seen = new Set<string>();
  const visit = (type: GraphQLNamedType | null | undefined): void => {
    if (!type || seen.has(type.name)) return;
    seen.add(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        visit(getNamedType(field.type));
        for (const arg of field.args) visit(getNamedType(arg.type));
      }
      for (const iface of type.getInterfaces()) visit(iface);
      if (isInterfaceType(type)) for (const impl of schema.getPossibleTypes(type)) visit(impl);
    } else if (isUnionType(type)) {
      for (const member of type.getTypes()) visit(member);
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) visit(getNamedType(field.type));
    }
  };
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) visit(root);
  // Types only directives take (e.g. @cacheControl's scope) are reachable through them.
  for (const directive of schema.getDirectives()) for (const arg of directive.args) visit(getNamedType(arg.type));
  return seen;
}

describe('the composed schema', () => {
  it('has no type that no operation can reach', () => {
    const schema = buildASTSchema(parse(readCheckedInSupergraph()));
    const reachable = reachableFromRoots(schema);
    // Federation's own bookkeeping (join__Graph, link__Purpose ...) and introspection are not ours.
    const ours = Object.keys(schema.getTypeMap()).filter((name) => !name.startsWith('__') && !/^(join|link)__/.test(name));
    expect(ours.length).toBeGreaterThan(50);
    // The subgraphs' @cacheControl takes it; composition keeps the enum but not the directive.
    const directiveOnly = new Set(['CacheControlScope']);
    expect(ours.filter((name) => !reachable.has(name) && !directiveOnly.has(name))).toEqual([]);
  });
});
