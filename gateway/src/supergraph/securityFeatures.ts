import { Kind, parse, print, visit, type DirectiveNode } from 'graphql';

/** Authorization features the subgraphs enforce themselves (see the kit's enforceAuthDirectives). */
const ENFORCED_BY_SUBGRAPHS = ['https://specs.apollo.dev/authenticated/', 'https://specs.apollo.dev/requiresScopes/'];

function linkUrl(directive: DirectiveNode): string | undefined {
  const url = directive.arguments?.find((a) => a.name.value === 'url')?.value;
  return url?.kind === Kind.STRING ? url.value : undefined;
}

/**
 * Apollo Gateway refuses a supergraph that links a `for: SECURITY` feature, because it cannot
 * enforce it (the Router can). Ours can be left to the subgraphs, which enforce
 * @authenticated and @requiresScopes on every request, so the gateway is handed the same
 * supergraph with those two links' `for: SECURITY` purpose removed: it then plans over the
 * directives as plain metadata. Any other SECURITY feature (@policy) is still refused.
 * The checked-in supergraph.graphql keeps the purpose, as composition wrote it.
 */
export function supergraphForApolloGateway(supergraphSdl: string): string {
  const document = visit(parse(supergraphSdl), {
    Directive(node) {
      if (node.name.value !== 'link') return undefined;
      const url = linkUrl(node);
      if (!url || !ENFORCED_BY_SUBGRAPHS.some((prefix) => url.startsWith(prefix))) return undefined;
      return { ...node, arguments: node.arguments?.filter((a) => a.name.value !== 'for') };
    },
  });
  return print(document);
}
