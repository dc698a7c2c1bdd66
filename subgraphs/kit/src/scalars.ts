import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

const DECIMAL = /^-?\d{1,15}(\.\d{1,6})?$/;

function decimalFrom(value: unknown): string {
  if (typeof value === 'string' && DECIMAL.test(value)) return value;
  if (typeof value === 'number' && Number.isFinite(value)) {
    // Accept JSON numbers from clients but keep them as their literal decimal text.
    const text = String(value);
    if (DECIMAL.test(text)) return text;
  }
  throw new GraphQLError(`Decimal must be a decimal string like "19.99", got ${JSON.stringify(value)}`, {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

function isDecimalObject(v: unknown): v is { toFixed(): string; toString(): string } {
  return typeof v === 'object' && v !== null && 'toFixed' in v;
}

/** Exact decimal carried as a string so no client or hop turns it into a binary float. */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'An exact decimal number as a string, e.g. "19.99".',
  // Prisma hands out decimal.js values; their toString() is the exact decimal text.
  serialize: (v) => (isDecimalObject(v) ? v.toString() : decimalFrom(v)),
  parseValue: decimalFrom,
  parseLiteral: (ast: ValueNode) => {
    if (ast.kind === Kind.STRING || ast.kind === Kind.FLOAT || ast.kind === Kind.INT) return decimalFrom(ast.value);
    throw new GraphQLError('Decimal must be a string literal', { extensions: { code: 'BAD_USER_INPUT' } });
  },
});

function dateFrom(value: unknown): Date {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new GraphQLError(`DateTime must be an ISO-8601 string, got ${JSON.stringify(value)}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return date;
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An ISO-8601 instant in UTC, e.g. "2026-11-22T09:00:00.000Z".',
  serialize: (v) => dateFrom(v).toISOString(),
  parseValue: dateFrom,
  parseLiteral: (ast) => {
    if (ast.kind === Kind.STRING) return dateFrom(ast.value);
    throw new GraphQLError('DateTime must be a string literal', { extensions: { code: 'BAD_USER_INPUT' } });
  },
});

function jsonLiteral(ast: ValueNode): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map(jsonLiteral);
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, jsonLiteral(f.value)]));
    default:
      throw new GraphQLError('JSON literals cannot contain variables', { extensions: { code: 'BAD_USER_INPUT' } });
  }
}

export const JSONScalar = new GraphQLScalarType<unknown, unknown>({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: jsonLiteral,
});

export const scalarResolvers = { Decimal: DecimalScalar, DateTime: DateTimeScalar, JSON: JSONScalar };
