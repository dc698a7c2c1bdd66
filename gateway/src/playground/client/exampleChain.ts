// How an example tab's operations hand values on (a cart's id, a token): pure, so the page and
// gateway/test/playgroundExamples.e2e.test.ts apply the very same rule.

/** After `operation` answers, the value at `from` (a dotted path in data), when not null, goes to a variable or header of its tab. */
export interface ChainStep {
  operation: string;
  from: string;
  /** Set only when the tab's variables already have it (a tab of the visitor's own keeps its shape). */
  variable?: string;
  header?: string;
  /** Put before the copied value (which then becomes a string), e.g. "Bearer ". */
  prefix?: string;
}

/** The editor's JSON object, or undefined when it holds something else (a half-typed edit). */
export function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text || '{}');
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function valueAt(data: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), data);
}

/**
 * The tab's variables and headers (editor texts) after `operationName` answered `answer`; an
 * entry is left out when nothing in it changed. Unparseable variables are left alone; headers
 * that do not parse are replaced (as the admin token button does).
 */
export function chainedEditors(
  steps: ChainStep[],
  operationName: string | null | undefined,
  answer: unknown,
  editors: { variables: string; headers: string },
): { variables?: string; headers?: string } {
  const data = answer && typeof answer === 'object' ? (answer as { data?: unknown }).data : undefined;
  const variables = jsonObject(editors.variables);
  const headers = jsonObject(editors.headers) ?? {};
  const changed: { variables?: string; headers?: string } = {};
  for (const step of steps) {
    if (step.operation !== operationName) continue;
    const value = valueAt(data, step.from);
    if (value === null || value === undefined) continue;
    const copied = step.prefix ? `${step.prefix}${String(value)}` : value;
    if (step.variable && variables && step.variable in variables) {
      variables[step.variable] = copied;
      changed.variables = JSON.stringify(variables, null, 2);
    }
    if (step.header) {
      for (const name of Object.keys(headers)) if (name.toLowerCase() === step.header.toLowerCase()) delete headers[name];
      headers[step.header] = String(copied);
      changed.headers = JSON.stringify(headers, null, 2);
    }
  }
  return changed;
}
