import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  EVENT_SOURCE_OF_SUBGRAPH,
  EVENT_TOPICS,
  REPO_ROOT,
  SERVICE_PORTS,
  SERVICE_VARIABLE_READERS,
  serviceEnvironmentDefault,
  SUBGRAPH_NAMES,
  type ServiceName,
} from '@shopgraph/kit';
import { GATEWAY_ENVIRONMENT_VARIABLES, gatewayEnvironmentDefault } from '../src/gatewayConfig.js';

/** The README's configuration reference and the per-subgraph pages, checked against the code. */
const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const configuration = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Other commands'));
const EVERY_SERVICE = Object.keys(SERVICE_PORTS) as ServiceName[];

/** The configuration table's row naming `variable`: its "used by" and "default" cells. */
function rowOf(variable: string): { usedBy: string; defaultText: string } | undefined {
  const line = configuration.split('\n').find((l) => l.startsWith('| ') && l.split(' | ')[0]!.includes(`\`${variable}\``));
  if (!line) return undefined;
  const [, usedBy = '', defaultText = ''] = line.slice(2, -2).split(' | ');
  return { usedBy, defaultText };
}

const mentions = (text: string, service: string) => new RegExp(`\\b${service}\\b`).test(text);

describe('README configuration reference', () => {
  const kitVariables = Object.entries(SERVICE_VARIABLE_READERS);
  it.each(kitVariables)('%s: says which services read it', (variable, readers) => {
    const row = rowOf(variable);
    expect(row, `README: no configuration row names \`${variable}\``).toBeDefined();
    const { usedBy } = row!;
    if (readers.length === EVERY_SERVICE.length) {
      expect(usedBy, `${variable} is read by every service`).toContain('every service');
    } else if (readers.length === SUBGRAPH_NAMES.length && !readers.includes('gateway')) {
      expect(usedBy, `${variable} is read by every subgraph`).toContain('every subgraph');
    } else {
      for (const reader of readers) expect(mentions(usedBy, reader), `${variable} is read by ${reader}: "${usedBy}"`).toBe(true);
      for (const other of EVERY_SERVICE.filter((s) => !readers.includes(s))) {
        expect(mentions(usedBy, other), `${variable} is not read by ${other}: "${usedBy}"`).toBe(false);
      }
    }
  });

  it.each(GATEWAY_ENVIRONMENT_VARIABLES.filter((v) => !v.endsWith('_SUBGRAPH_URL')))('%s: read by the gateway', (variable) => {
    expect(rowOf(variable)?.usedBy, variable).toMatch(/^gateway\b/);
  });

  it.each([...kitVariables.map(([v]) => v), ...GATEWAY_ENVIRONMENT_VARIABLES])('%s: shows the default the code has', (variable) => {
    const fallback = serviceEnvironmentDefault(variable) ?? gatewayEnvironmentDefault(variable);
    if (fallback === undefined || variable.endsWith('_SUBGRAPH_URL')) return;
    expect(rowOf(variable)?.defaultText, `README: the default of ${variable} is ${fallback}`).toContain(`\`${fallback}\``);
  });
});

/** Query, Mutation and Subscription fields of a subgraph's SDL (extensions included). */
function rootFieldsOf(name: string): string[] {
  const document = parse(readFileSync(path.join(REPO_ROOT, 'schema', `${name}.graphql`), 'utf8'));
  return document.definitions.flatMap((d) =>
    (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && ['Query', 'Mutation', 'Subscription'].includes(d.name.value)
      ? (d.fields ?? []).map((f) => f.name.value)
      : [],
  );
}

/** Durable consumer groups named in a directory's source (`group: '...'` or a `..._GROUP = '...'` constant). */
function consumerGroupsIn(dir: string): string[] {
  const groups = new Set<string>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const file = path.join(at, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'generated') walk(file);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        // Code only: a comment may show an example group.
        const text = readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
          .join('\n');
        for (const m of text.matchAll(/(?:\bgroup: |_GROUP = )'([a-z][\w.-]*)'/g)) groups.add(m[1]!);
      }
    }
  };
  walk(dir);
  return [...groups];
}

describe('docs/subgraphs', () => {
  it.each(SUBGRAPH_NAMES)('%s: the page names every root field of its SDL and every consumer group of its code', (name) => {
    const page = readFileSync(path.join(REPO_ROOT, 'docs', 'subgraphs', `${name}.md`), 'utf8');
    const fields = rootFieldsOf(name).filter((field) => !page.includes(`\`${field}\``));
    expect(fields, `docs/subgraphs/${name}.md does not name these fields of schema/${name}.graphql`).toEqual([]);
    const groups = consumerGroupsIn(path.join(REPO_ROOT, 'subgraphs', name, 'src')).filter((group) => !page.includes(`\`${group}\``));
    expect(groups, `docs/subgraphs/${name}.md does not name these consumer groups of subgraphs/${name}/src`).toEqual([]);
  });

  it.each(SUBGRAPH_NAMES)('%s has a page naming its port, SDL, PostgreSQL schema and every topic it records', (name) => {
    const file = path.join(REPO_ROOT, 'docs', 'subgraphs', `${name}.md`);
    expect(existsSync(file), `docs/subgraphs/${name}.md`).toBe(true);
    const page = readFileSync(file, 'utf8');
    const source = EVENT_SOURCE_OF_SUBGRAPH[name];
    expect(page).toContain(`Port **${SERVICE_PORTS[name]}**`);
    expect(page).toContain(`\`schema/${name}.graphql\``);
    expect(page).toContain(`PostgreSQL schema \`${source}\``);
    const recorded = Object.entries(EVENT_TOPICS)
      .filter(([, topic]) => topic.source === source)
      .map(([topic]) => topic);
    for (const topic of recorded) expect(page, `docs/subgraphs/${name}.md does not name ${topic}, which ${name} records`).toContain(`\`${topic}\``);
    expect(readme, `README links docs/subgraphs/${name}.md`).toContain(`(docs/subgraphs/${name}.md)`);
  });
});
