// Browser entry of the playground: GraphiQL over HTTP and graphql-ws, everything bundled,
// nothing loaded from another host.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';

interface PlaygroundConfig {
  graphqlPath: string;
  defaultHeaders: Record<string, string>;
  examples: Array<{ name: string; query: string; variables?: string }>;
}

const config = JSON.parse(document.getElementById('playground-config')!.textContent!) as PlaygroundConfig;
const httpUrl = new URL(config.graphqlPath, window.location.href).toString();
const wsUrl = httpUrl.replace(/^http/, 'ws');
const fetcher = createGraphiQLFetcher({ url: httpUrl, subscriptionUrl: wsUrl });

createRoot(document.getElementById('playground')!).render(
  createElement(GraphiQL, {
    fetcher,
    defaultEditorToolsVisibility: true,
    shouldPersistHeaders: true,
    defaultHeaders: Object.keys(config.defaultHeaders).length ? JSON.stringify(config.defaultHeaders, null, 2) : undefined,
    defaultTabs: config.examples.map((e) => ({ query: `# ${e.name}\n${e.query}`, variables: e.variables })),
  }),
);
