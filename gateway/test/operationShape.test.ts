import { buildSchema, getIntrospectionQuery, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { readCheckedInSupergraph } from '../src/supergraph/composeSupergraph.js';
import { DEFAULT_GATEWAY_LIMITS } from '../src/limits/gatewayLimits.js';
import { measureOperation, UNBOUNDED_LIST_SIZE } from '../src/limits/operationShape.js';
import { SCENARIOS } from '../../bench/scenarios.js';

const schema = buildSchema(`
  type Query { products(first: Int = 20): ProductConnection! product(id: ID): Product tags: [String!]! top(limit: Int): [Product!]! }
  type ProductConnection { edges: [ProductEdge!]! totalCount: Int! }
  type ProductEdge { node: Product! }
  type Product { id: ID! name: String! variants: [Variant!]! related(first: Int): ProductConnection! }
  type Variant { sku: String! }
`);

function measure(source: string, variables: Record<string, unknown> = {}, on = schema) {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return measureOperation(on, document, operation, variables);
}

describe('operation shape', () => {
  it('costs a connection by its first argument, once', () => {
    // products 1 + edges (1 + 20 * (node 1 + name 1)) = 1 + 1 + 40 = 42
    expect(measure('{ products(first: 20) { edges { node { name } } } }').cost).toBe(42);
  });

  it('reads sizes from variables, variable defaults and argument defaults', () => {
    const q = 'query($n: Int) { products(first: $n) { edges { node { id } } } }';
    expect(measure(q, { n: 5 }).cost).toBe(2 + 5 * 2);
    expect(measure('query($n: Int = 7) { products(first: $n) { edges { node { id } } } }').cost).toBe(2 + 7 * 2);
    expect(measure('{ products { edges { node { id } } } }').cost).toBe(2 + 20 * 2);
    expect(measure('{ top(limit: 3) { id } }').cost).toBe(1 + 3);
  });

  it('multiplies lists without a size by UNBOUNDED_LIST_SIZE, nested lists each time', () => {
    expect(measure('{ top { variants { sku } } }').cost).toBe(1 + UNBOUNDED_LIST_SIZE * (1 + UNBOUNDED_LIST_SIZE));
    expect(measure('{ tags }').cost).toBe(1);
  });

  it('counts depth through fragments without counting the fragments themselves', () => {
    const q = 'query { product(id: 1) { ...P } } fragment P on Product { ... on Product { variants { sku } } }';
    expect(measure(q).depth).toBe(3);
  });

  it('counts each aliased field once per place its fragment is spread', () => {
    const q = 'query { a: product(id: 1) { ...F } b: product(id: 2) { ...F } } fragment F on Product { x: name y: id }';
    expect(measure(q).aliases).toBe(2 + 2 * 2);
  });

  it('measures fragments that spread fragments in linear time (2^40 expansions)', () => {
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Product { ...F${i + 1} ...F${i + 1} }`).join('\n');
    const q = `query { product(id: 1) { ...F0 } } ${fragments} fragment F${levels} on Product { name }`;
    const shape = measure(q);
    expect(shape.depth).toBe(2);
    expect(shape.cost).toBe(1 + 2 ** levels);
  });

  it('leaves introspection out of depth and cost (graphql-js limits its nesting)', () => {
    const supergraph = buildSchema(readCheckedInSupergraph());
    expect(measure(getIntrospectionQuery(), {}, supergraph)).toEqual({ depth: 0, aliases: 0, cost: 0 });
    expect(measure('{ a: __typename products(first: 1) { totalCount } }', {}, supergraph)).toEqual({ depth: 2, aliases: 1, cost: 2 });
  });

  it('passes every operation the bench runs under the default limits', () => {
    const supergraph = buildSchema(readCheckedInSupergraph());
    for (const scenario of SCENARIOS.filter((s) => s.target === 'gateway')) {
      const shape = measure(scenario.query!, {}, supergraph);
      expect(shape.depth, scenario.name).toBeLessThanOrEqual(DEFAULT_GATEWAY_LIMITS.maxDepth);
      expect(shape.aliases).toBeLessThanOrEqual(DEFAULT_GATEWAY_LIMITS.maxAliases);
      expect(shape.cost, scenario.name).toBeLessThanOrEqual(DEFAULT_GATEWAY_LIMITS.maxCost);
    }
  });
});
