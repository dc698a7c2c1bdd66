import {
  defaultFieldResolver,
  execute,
  GraphQLError,
  Kind,
  OperationTypeNode,
  parseType,
  print,
  visit,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FormattedExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { DomainEvent, Identity } from '@shopgraph/kit';
import type { LiveEntity, LiveField } from './liveFields.js';

/** Runs a query through the gateway's planning as `identity` (never from the response cache). */
/** `requestId`: the request that recorded the event, so the reads it causes log under the same id. */
export type RunQuery = (query: string, variables: Record<string, unknown>, identity: Identity, requestId?: string) => Promise<FormattedExecutionResult>;

/** What the gateway knows of one admitted subscription. */
export interface PreparedSubscription {
  field: LiveField;
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName: string | undefined;
  /** As the client sent them (execution coerces them again per event). */
  variables: Record<string, unknown>;
  /** The root field's coerced arguments. */
  args: Record<string, unknown>;
  identity: Identity;
  /**
   * Subscribers with the same key get the same result for an event, so it is completed once
   * for all of them: same operation and variables, and the same identity (every anonymous
   * subscriber shares one).
   */
  groupKey: string;
}

/** Name of the entity query's own variable (the entity's id or token). */
const KEY_VARIABLE = 'shopgraphLiveKey';
const EXTRA_VARIABLE = 'shopgraphLiveExtra';
const ENTITY_ALIAS = 'entity';

export function identityKey(identity: Identity): string {
  return identity.kind === 'user' ? `user:${identity.subject}:${identity.role}:${identity.scopes.join(',')}` : 'anonymous';
}

function responseKey(info: GraphQLResolveInfo): string {
  const node = info.fieldNodes[0]!;
  return node.alias?.value ?? node.name.value;
}

function pathOf(path: GraphQLResolveInfo['path'] | undefined): (string | number)[] {
  const keys: (string | number)[] = [];
  for (let p = path; p; p = p.prev) keys.unshift(p.key);
  return keys;
}

/** Every selection set asks __typename, so abstract types resolve in the local execution. */
function withTypenames<T extends SelectionSetNode | FragmentDefinitionNode>(node: T): T {
  return visit<T>(node, {
    SelectionSet(set) {
      const has = set.selections.some((s) => s.kind === Kind.FIELD && !s.alias && s.name.value === '__typename');
      if (has) return undefined;
      return { ...set, selections: [...set.selections, { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }] };
    },
  });
}

interface EntityQuery {
  query: string;
  /** Names of the subscriber's variables the selection uses. */
  variables: string[];
}

/** Built once per field node (the parsed document is kept for the subscription's life). */
const entityQueries = new WeakMap<FieldNode, EntityQuery>();

/**
 * The query that reads an entity field's selection for one event: the subscriber's
 * selection under the root query field that returns the entity, with the fragments and
 * variables it uses.
 */
function entityQueryOf(info: GraphQLResolveInfo, entity: LiveEntity): EntityQuery {
  const first = info.fieldNodes[0]!;
  const known = entityQueries.get(first);
  if (known) return known;
  const selectionSet = withTypenames<SelectionSetNode>({ kind: Kind.SELECTION_SET, selections: info.fieldNodes.flatMap((n) => n.selectionSet?.selections ?? []) });
  const fragments = new Map<string, FragmentDefinitionNode>();
  const variables = new Set<string>();
  const collect = (node: SelectionSetNode | FragmentDefinitionNode) => {
    visit(node, {
      Variable: (v) => void variables.add(v.name.value),
      FragmentSpread: (spread) => {
        const name = spread.name.value;
        const fragment = info.fragments[name];
        if (!fragment || fragments.has(name)) return;
        const typed = withTypenames(fragment);
        fragments.set(name, typed);
        collect(typed);
      },
    });
  };
  collect(selectionSet);
  const variableDefinitions = (info.operation.variableDefinitions ?? []).filter((d) => variables.has(d.variable.name.value));
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: OperationTypeNode.QUERY,
        name: { kind: Kind.NAME, value: 'LiveEntity' },
        variableDefinitions: [
          { kind: Kind.VARIABLE_DEFINITION, variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: KEY_VARIABLE } }, type: parseType(entity.argumentType) },
          ...(entity.extraArgument
            ? [{ kind: Kind.VARIABLE_DEFINITION, variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: EXTRA_VARIABLE } }, type: parseType(entity.extraArgument.type) } as const]
            : []),
          ...variableDefinitions,
        ],
        selectionSet: {
          kind: Kind.SELECTION_SET,
          selections: [
            {
              kind: Kind.FIELD,
              alias: { kind: Kind.NAME, value: ENTITY_ALIAS },
              name: { kind: Kind.NAME, value: entity.queryField },
              arguments: [
                { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: entity.argument }, value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: KEY_VARIABLE } } },
                ...(entity.extraArgument
                  ? [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: entity.extraArgument.name }, value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: EXTRA_VARIABLE } } } as const]
                  : []),
              ],
              selectionSet,
            },
          ],
        },
      },
      ...fragments.values(),
    ],
  };
  const built = { query: print(document), variables: variableDefinitions.map((d) => d.variable.name.value) };
  entityQueries.set(first, built);
  return built;
}

function markTree(value: unknown, marks: WeakSet<object>): void {
  if (value === null || typeof value !== 'object') return;
  marks.add(value);
  for (const child of Array.isArray(value) ? value : Object.values(value)) markTree(child, marks);
}

/**
 * Completes one event for the subscriptions that hear it. The payload's own fields come from
 * the event; its entity (`product`, `cart`) is read through the gateway's query planning as
 * the subscriber, so any federated field may be selected, fresh for this event. Entity reads
 * are shared: the same query, variables and identity are fetched once per event.
 */
export class EventCompletion {
  private readonly reads = new Map<string, Promise<FormattedExecutionResult>>();
  /** Entity queries sent through the gateway for this event. */
  queries = 0;

  constructor(
    private readonly event: DomainEvent,
    private readonly runQuery: RunQuery,
  ) {}

  async complete(sub: PreparedSubscription): Promise<ExecutionResult> {
    const payload = sub.field.payloadOf(this.event);
    const entity = sub.field.entity;
    const marks = new WeakSet<object>();
    const entityErrors: GraphQLError[] = [];
    const fieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) => {
      if (source !== null && typeof source === 'object' && marks.has(source)) return (source as Record<string, unknown>)[responseKey(info)];
      if (source === payload && entity && info.fieldName === entity.field) return this.readEntity(sub, entity, info, marks, entityErrors);
      return defaultFieldResolver(source, args, context, info);
    };
    const result = await execute({
      schema: sub.schema,
      document: sub.document,
      operationName: sub.operationName,
      variableValues: sub.variables,
      rootValue: { [sub.field.name]: payload },
      fieldResolver,
    });
    const errors = [...entityErrors, ...(result.errors ?? [])];
    return errors.length > 0 ? { data: result.data ?? null, errors } : { data: result.data ?? null };
  }

  private async readEntity(sub: PreparedSubscription, entity: LiveEntity, info: GraphQLResolveInfo, marks: WeakSet<object>, errors: GraphQLError[]): Promise<unknown> {
    const key = entity.valueOf(this.event, sub.args);
    if (key === null) return null;
    const { query, variables: used } = entityQueryOf(info, entity);
    const variables: Record<string, unknown> = { [KEY_VARIABLE]: key, ...(entity.extraArgument && { [EXTRA_VARIABLE]: entity.extraArgument.valueOf(sub.args) }) };
    for (const name of used) if (name in info.variableValues) variables[name] = info.variableValues[name];
    const readKey = `${identityKey(sub.identity)}\n${JSON.stringify(variables)}\n${query}`;
    let read = this.reads.get(readKey);
    if (!read) {
      this.queries += 1;
      read = this.runQuery(query, variables, sub.identity, this.event.requestId);
      this.reads.set(readKey, read);
    }
    const result = await read;
    const at = pathOf(info.path);
    for (const e of result.errors ?? []) {
      errors.push(new GraphQLError(e.message, { path: [...at, ...(e.path?.slice(1) ?? [])], extensions: e.extensions ?? {} }));
    }
    const data = result.data?.[ENTITY_ALIAS] ?? null;
    markTree(data, marks);
    return data;
  }
}
