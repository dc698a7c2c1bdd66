import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/**
 * How big an operation is, measured from its document before it runs:
 *
 * - depth: nesting of fields; fragments add no level of their own.
 * - aliases: aliased fields, a fragment's counted once per place it is spread.
 * - cost: estimated field resolutions. Every field costs 1; a field's selection costs its
 *   own total times the field's list size: its `first`/`last`/`limit` argument (variables
 *   and defaults applied), or UNBOUNDED_LIST_SIZE for a list without one. A size argument on
 *   a field that is not itself a list (a connection) sizes the lists directly under it
 *   (`edges`, `nodes`), so `products(first: 20) { edges { node { name } } }` costs
 *   1 + 20 * (1 + 1 + 1) = 61.
 * - introspection (`__schema`, `__type`): not counted in depth or cost, so GraphiQL's own
 *   introspection query passes. Its fan-out (`fields { type { fields { ... } } }`) is
 *   refused earlier by graphql-js's MaxIntrospectionDepthRule, one of the validation rules
 *   every request passes.
 *
 * Each fragment is measured once per (list size it inherits, mode) and reused, so a
 * document that spreads fragments inside fragments costs linear time to measure.
 */
export const UNBOUNDED_LIST_SIZE = 10;
const SIZE_ARGUMENTS = ['first', 'last', 'limit'] as const;
const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

export interface OperationShape {
  depth: number;
  aliases: number;
  cost: number;
}

const EMPTY: OperationShape = { depth: 0, aliases: 0, cost: 0 };

function combine(into: OperationShape, part: OperationShape): void {
  into.depth = Math.max(into.depth, part.depth);
  into.aliases += part.aliases;
  into.cost += part.cost;
}

export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): OperationShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const variableDefaults = new Map<string, unknown>();
  for (const v of operation.variableDefinitions ?? []) {
    if (v.defaultValue) variableDefaults.set(v.variable.name.value, valueFromASTUntyped(v.defaultValue));
  }
  const memo = new Map<string, OperationShape>();
  const active = new Set<string>();

  const numberOf = (node: ValueNode): unknown => {
    if (node.kind === Kind.VARIABLE) {
      const name = node.name.value;
      return name in variables ? variables[name] : variableDefaults.get(name);
    }
    return valueFromASTUntyped(node);
  };

  /** The field's `first`/`last`/`limit`, as the field will see it, when it is a whole number. */
  const sizeOf = (node: FieldNode, def: GraphQLField<unknown, unknown>): number | undefined => {
    for (const name of SIZE_ARGUMENTS) {
      const argDef = def.args.find((a) => a.name === name);
      if (!argDef) continue;
      const argNode = node.arguments?.find((a) => a.name.value === name);
      const value = argNode ? numberOf(argNode.value) : argDef.defaultValue;
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
    }
    return undefined;
  };

  const measureSet = (
    set: SelectionSetNode,
    parent: GraphQLCompositeType | undefined,
    inherited: number | undefined,
    introspection: boolean,
  ): OperationShape => {
    const total = { ...EMPTY };
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        combine(total, measureField(selection, parent, inherited, introspection));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        combine(total, measureSet(selection.selectionSet, isCompositeType(type) ? type : undefined, inherited, introspection));
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        const key = `${name}|${inherited ?? ''}|${introspection}`;
        if (!fragment || active.has(key)) continue; // unknown or cyclic: validation refuses both
        let shape = memo.get(key);
        if (!shape) {
          active.add(key);
          const type = schema.getType(fragment.typeCondition.name.value);
          shape = measureSet(fragment.selectionSet, isCompositeType(type) ? type : undefined, inherited, introspection);
          active.delete(key);
          memo.set(key, shape);
        }
        combine(total, shape);
      }
    }
    return total;
  };

  const measureField = (
    node: FieldNode,
    parent: GraphQLCompositeType | undefined,
    inherited: number | undefined,
    introspection: boolean,
  ): OperationShape => {
    const name = node.name.value;
    const aliases = node.alias ? 1 : 0;
    if (name === '__typename') return { depth: introspection ? 0 : 1, aliases, cost: 0 };
    if (introspection || INTROSPECTION_ROOTS.has(name)) {
      // Only aliases count inside introspection.
      const inner = node.selectionSet ? measureSet(node.selectionSet, undefined, undefined, true) : EMPTY;
      return { depth: 0, aliases: aliases + inner.aliases, cost: 0 };
    }

    const def = fieldOf(parent, name);
    const isList = def !== undefined && isListType(getNullableType(def.type));
    const childType = def ? getNamedType(def.type) : undefined;
    const child = isCompositeType(childType) ? childType : undefined;
    const size = def ? sizeOf(node, def) : undefined;
    let multiplier = 1;
    let passDown: number | undefined;
    if (size !== undefined) {
      if (isList) multiplier = size;
      else passDown = size;
    } else if (isList) {
      multiplier = inherited ?? UNBOUNDED_LIST_SIZE;
    }
    if (!node.selectionSet) return { depth: 1, aliases, cost: 1 };
    const inner = measureSet(node.selectionSet, child, passDown, false);
    return {
      depth: 1 + inner.depth,
      aliases: aliases + inner.aliases,
      cost: 1 + multiplier * inner.cost,
    };
  };

  const root = schema.getRootType(operation.operation);
  return measureSet(operation.selectionSet, root ?? undefined, undefined, false);
}

function fieldOf(parent: GraphQLCompositeType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
  return parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
}
