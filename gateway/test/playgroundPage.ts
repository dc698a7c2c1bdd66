import type { ServedExample } from '../src/playground/exampleValues.js';

/** What a playground page hands its script (the JSON in #playground-config), as the tests read it. */
export interface PlaygroundPageConfig {
  graphqlPath: string;
  defaultHeaders: Record<string, string>;
  exampleOperations: ServedExample[];
  styleNonce: string;
  /** Development mode, to a browser on this machine only. */
  developmentToken?: string;
}

/** The config a playground page carries, or undefined when the HTML has none. */
export function playgroundConfigOf(html: string): PlaygroundPageConfig | undefined {
  const json = /<script type="application\/json" id="playground-config">(.*?)<\/script>/s.exec(html)?.[1];
  return json === undefined ? undefined : (JSON.parse(json) as PlaygroundPageConfig);
}
