// Browser entry of the playground: GraphiQL over HTTP and graphql-ws, everything bundled,
// nothing loaded from another host.
import { ToolbarButton, useHeadersEditorState } from '@graphiql/react';
import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { createClient } from 'graphql-ws';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import './playground.css';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';

interface PlaygroundConfig {
  graphqlPath: string;
  defaultHeaders: Record<string, string>;
  exampleOperations: Array<{ name: string; query: string; variables?: string }>;
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
const fetcher: Fetcher = (params, options) => {
  const headers = (options?.headers ?? {}) as Record<string, unknown>;
  const authorization = Object.entries(headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  return fetcherFor(typeof authorization === 'string' ? authorization : undefined)(params, options);
};

/** Headers as an object when the editor holds a JSON object, else none (a half-typed edit is replaced). */
function headerObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text || '{}');
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
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

createRoot(document.getElementById('playground')!).render(
  createElement(GraphiQL, {
    fetcher,
    defaultEditorToolsVisibility: true,
    shouldPersistHeaders: true,
    defaultHeaders: Object.keys(config.defaultHeaders).length ? JSON.stringify(config.defaultHeaders, null, 2) : undefined,
    defaultTabs: config.exampleOperations.map((e) => ({ query: `# ${e.name}\n${e.query}`, variables: e.variables })),
    ...(config.developmentToken && { toolbar: { additionalComponent: DevelopmentTokenButton } }),
  }),
);
