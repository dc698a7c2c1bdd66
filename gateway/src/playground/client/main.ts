// Browser entry of the playground: GraphiQL over HTTP and graphql-ws, everything bundled,
// nothing loaded from another host.
import { ToolbarButton, useEditorContext, useHeadersEditorState, type EditorContextType } from '@graphiql/react';
import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { createClient } from 'graphql-ws';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import './playground.css';
import { chainedEditors, jsonObject, type ChainStep } from './exampleChain.js';
import { refreshStoredExampleTabs, tabQueryOf } from './freshExampleTabs.js';
import { createElement, Fragment, useEffect } from 'react';
import { createRoot } from 'react-dom/client';

interface PlaygroundConfig {
  graphqlPath: string;
  defaultHeaders: Record<string, string>;
  exampleOperations: Array<{ name: string; query: string; variables?: string; note?: string; chain?: ChainStep[] }>;
  /** This response's CSP nonce for <style> elements made at run time. */
  styleNonce: string;
  /** Development mode, on this machine only: an admin token one click away. */
  developmentToken?: string;
}

const config = JSON.parse(document.getElementById('playground-config')!.textContent!) as PlaygroundConfig;
// GraphiQL's dialogs lock scrolling with a <style> element (react-remove-scroll); its
// get-nonce helper tags that element with this global, so the CSP needs no 'unsafe-inline'.
(globalThis as { __webpack_nonce__?: string }).__webpack_nonce__ = config.styleNonce;
const httpUrl = new URL(config.graphqlPath, window.location.href);
// Same host and path; ws: beside http:, wss: beside https:.
const wsUrl = new URL(httpUrl);
wsUrl.protocol = httpUrl.protocol === 'https:' ? 'wss:' : 'ws:';
// Subscriptions run over graphql-ws; the token in the headers editor goes in connection_init
// (a browser cannot set headers on a WebSocket). One client per Authorization value: each
// subscription runs on a socket opened with the token its headers had when it started, and a
// lazy client closes its socket when its last subscription ends.
const fetchers = new Map<string, Fetcher>();
function fetcherFor(authorization: string | undefined): Fetcher {
  let fetcher = fetchers.get(authorization ?? '');
  if (!fetcher) {
    const wsClient = createClient({ url: wsUrl.toString(), lazy: true, connectionParams: authorization ? { authorization } : {} });
    fetcher = createGraphiQLFetcher({ url: httpUrl.toString(), wsClient });
    fetchers.set(authorization ?? '', fetcher);
  }
  return fetcher;
}

// The example tabs chain: a cart's id, a token from one operation's answer fill the variables
// (or headers) the next operation of the same tab needs, so no one pastes ids between runs.
const chainSteps = config.exampleOperations.flatMap((e) => e.chain ?? []);
/** GraphiQL's editors and tabs, kept by a component rendered inside its context (ChainBinder). */
let editors: EditorContextType | undefined;
const activeTabId = () => editors?.tabs[editors.activeTabIndex]?.id;

const fetcher: Fetcher = (params, options) => {
  const headers = (options?.headers ?? {}) as Record<string, unknown>;
  const authorization = Object.entries(headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  const result = fetcherFor(typeof authorization === 'string' ? authorization : undefined)(params, options);
  const steps = chainSteps.filter((s) => s.operation === params.operationName);
  if (steps.length === 0) return result;
  const tabId = activeTabId();
  const onAnswer = (answer: unknown) => applyChain(steps, params.operationName, answer, tabId);
  return Promise.resolve(result).then((answer) => tapped(answer, onAnswer)) as ReturnType<Fetcher>;
};

/**
 * The answer as GraphiQL gets it, after `onAnswer` saw it: HTTP answers arrive as an async
 * iterable (the toolkit reads them as multipart, for @defer), so each part is seen as it passes.
 */
function tapped(answer: unknown, onAnswer: (answer: unknown) => void): unknown {
  if (answer && typeof answer === 'object' && Symbol.asyncIterator in answer) {
    const parts = answer as AsyncIterable<unknown>;
    return (async function* () {
      for await (const part of parts) {
        onAnswer(part);
        yield part;
      }
    })();
  }
  onAnswer(answer);
  return answer;
}

/** Copies the answer's values into the tab that ran it (not when another tab is open by then). */
function applyChain(steps: ChainStep[], operationName: string | null | undefined, answer: unknown, tabId: string | undefined): void {
  if (!editors || tabId === undefined || activeTabId() !== tabId) return;
  const changed = chainedEditors(steps, operationName, answer, { variables: editors.variableEditor?.getValue() ?? '', headers: editors.headerEditor?.getValue() ?? '' });
  if (changed.variables !== undefined) editors.variableEditor?.setValue(changed.variables);
  if (changed.headers !== undefined) editors.headerEditor?.setValue(changed.headers);
}

/** Headers as an object when the editor holds a JSON object, else none (a half-typed edit is replaced). */
function headerObject(text: string): Record<string, unknown> {
  return jsonObject(text) ?? {};
}

/** Renders nothing; keeps GraphiQL's editor context where the fetcher can reach it. */
function ChainBinder() {
  const context = useEditorContext({ nonNull: true });
  useEffect(() => {
    editors = context;
  });
  return null;
}

/** The toolbar's own additions: the chain binder always, the admin token button in development. */
function PlaygroundToolbar() {
  return createElement(Fragment, null, createElement(ChainBinder), config.developmentToken ? createElement(DevelopmentTokenButton) : null);
}

/** Toolbar button: puts the development admin token in the headers editor, keeping the other headers. */
function DevelopmentTokenButton() {
  const [headers, setHeaders] = useHeadersEditorState();
  const token = config.developmentToken!;
  return createElement(
    ToolbarButton,
    {
      label: 'Use the development admin token (sets the Authorization header)',
      className: 'playground-dev-token',
      onClick: () => {
        const { authorization: _lower, Authorization: _upper, ...others } = headerObject(headers);
        setHeaders(JSON.stringify({ ...others, Authorization: `Bearer ${token}` }, null, 2));
      },
    },
    'admin',
  );
}

const defaultHeaders = Object.keys(config.defaultHeaders).length ? JSON.stringify(config.defaultHeaders, null, 2) : undefined;
try {
  refreshStoredExampleTabs(localStorage, config.exampleOperations, defaultHeaders);
} catch {
  // No localStorage (a private window's refusal, say): GraphiQL opens the examples as served anyway.
}

createRoot(document.getElementById('playground')!).render(
  createElement(GraphiQL, {
    fetcher,
    defaultEditorToolsVisibility: true,
    shouldPersistHeaders: true,
    defaultHeaders,
    defaultTabs: config.exampleOperations.map((e) => ({ query: tabQueryOf(e), variables: e.variables })),
    toolbar: { additionalComponent: PlaygroundToolbar },
  }),
);
