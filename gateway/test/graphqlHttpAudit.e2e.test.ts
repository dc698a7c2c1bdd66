import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { serverAudits, type AuditResult } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@shopgraph/kit';
import { startSupergraph, type RunningSupergraph } from './supergraphHarness.js';

/**
 * The GraphQL-over-HTTP audit of the `graphql-http` package against the real gateway's
 * /graphql: every MUST is its own test; SHOULDs and MAYs are written to a report.
 */
const AUDIT_REPORT = path.join(REPO_ROOT, 'gateway', 'test', 'artifacts', 'graphql-http-audit.md');
/**
 * SHOULDs the gateway does not meet, on purpose: Apollo Server answers 400 to a document
 * that does not parse, validate or coerce whatever the Accept header, where the spec
 * suggests 200 for legacy `application/json` clients. README lists these.
 */
const KNOWN_SHOULD_WARNINGS = ['572B', 'FDE2', '7B9B'];
/**
 * MAYs refused on purpose: a GET with no Content-Type and none of Apollo's preflight headers
 * (`apollo-require-preflight`, `x-apollo-operation-name`) is a "simple" cross-site request,
 * which Apollo Server's CSRF prevention blocks. With such a header they pass (tested below).
 */
const KNOWN_MAY_NOTICES = ['5A70', 'D6D5', '6A70'];

let stack: RunningSupergraph;
const audits = serverAudits({ url: () => stack.gatewayUrl });
const results = new Map<string, AuditResult>();

/** What the gateway answered, for the report: the audit has usually read the body already. */
const answers = new Map<string, string>();

async function run(id: string): Promise<AuditResult> {
  const audit = audits.find((a) => a.id === id)!;
  const result = await audit.fn();
  results.set(id, result);
  if (result.status !== 'ok') {
    const body = await result.response
      .clone()
      .text()
      .catch(() => '');
    answers.set(id, `HTTP ${result.response.status}${body ? ` ${body.slice(0, 160)}` : ''}`);
  }
  return result;
}

beforeAll(async () => {
  stack = await startSupergraph();
});
afterAll(async () => {
  await stack?.stop();
});

describe('graphql-http audit of the gateway', () => {
  const musts = audits.filter((a) => a.name.startsWith('MUST'));

  it('covers the MUST items of the GraphQL-over-HTTP spec', () => {
    expect(musts.length).toBeGreaterThanOrEqual(13);
  });

  for (const audit of musts) {
    it(audit.name, async () => {
      const result = await run(audit.id);
      expect(result.status === 'ok' ? 'ok' : `${result.status}: ${result.reason}`).toBe('ok');
    });
  }

  it('reports every SHOULD and MAY, and misses only the known SHOULDs', async () => {
    for (const audit of audits) if (!results.has(audit.id)) await run(audit.id);
    const lines = audits.map((a) => {
      const r = results.get(a.id)!;
      return `| ${a.id} | ${r.status === 'ok' ? 'pass' : r.status} | ${cell(a.name)} | ${r.status === 'ok' ? '' : cell(`${r.reason}; ${answers.get(a.id)}`)} |`;
    });
    const passed = [...results.values()].filter((r) => r.status === 'ok').length;
    mkdirSync(path.dirname(AUDIT_REPORT), { recursive: true });
    writeFileSync(
      AUDIT_REPORT,
      `# graphql-http audit of the gateway's /graphql\n\n${passed} of ${audits.length} audits pass (graphql-http ${graphqlHttpVersion()}).\n\n| id | result | audit | reason |\n| --- | --- | --- | --- |\n${lines.join('\n')}\n`,
    );

    const failed = (level: string) => audits.filter((a) => a.name.startsWith(level) && results.get(a.id)!.status !== 'ok').map((a) => a.id);
    expect(failed('MUST')).toEqual([]);
    expect(failed('SHOULD').sort()).toEqual([...KNOWN_SHOULD_WARNINGS].sort());
    expect(failed('MAY').sort()).toEqual([...KNOWN_MAY_NOTICES].sort());
    // README names each SHOULD and MAY the gateway does not meet.
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    for (const id of [...KNOWN_SHOULD_WARNINGS, ...KNOWN_MAY_NOTICES]) expect(readme, id).toContain(`\`${id}\``);
    // ... and its table of SHOULDs says how each one went.
    for (const audit of audits.filter((a) => a.name.startsWith('SHOULD'))) {
      const row = readme.split('\n').find((line) => line.includes(`| \`${audit.id}\` |`));
      expect(row, audit.id).toBeDefined();
      expect(row!.trim().endsWith(results.get(audit.id)!.status === 'ok' ? '| passes |' : '| not met |'), row).toBe(true);
    }
  });

  it('answers GET queries once a request carries a CSRF preflight header', async () => {
    const withPreflight: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('apollo-require-preflight', 'true');
      return fetch(input, { ...init, headers });
    };
    const getAudits = serverAudits({ url: () => stack.gatewayUrl, fetchFn: withPreflight }).filter((a) => KNOWN_MAY_NOTICES.includes(a.id));
    expect(getAudits).toHaveLength(KNOWN_MAY_NOTICES.length);
    for (const audit of getAudits) {
      const result = await audit.fn();
      expect(result.status === 'ok' ? 'ok' : `${result.status}: ${result.reason}`, audit.name).toBe('ok');
    }
  });
});

function graphqlHttpVersion(): string {
  return (JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', 'graphql-http', 'package.json'), 'utf8')) as { version: string }).version;
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
