import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { eventually } from '@shopgraph/kit/testing';

/** The gateway's WebSocket address for its HTTP GraphQL URL. */
export function liveUrl(httpUrl: string): string {
  return httpUrl.replace(/^http/, 'ws');
}

/** A real graphql-ws client; `token` goes in connection_init as `authorization`. */
export function liveClient(httpUrl: string, token?: string, options: { onClose?: (code: number, reason: string) => void } = {}): Client {
  return createClient({
    url: liveUrl(httpUrl),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
    on: {
      closed: (event) => {
        const { code, reason } = event as { code: number; reason?: string };
        options.onClose?.(code, reason ?? '');
      },
    },
  });
}

/** One subscription's results as they arrive. */
export class Feed {
  readonly results: FormattedExecutionResult<any, unknown>[] = [];
  errors: unknown;
  completed = false;
  readonly stop: () => void;

  constructor(client: Client, query: string, variables: Record<string, unknown> = {}) {
    this.stop = client.subscribe<any>(
      { query, variables },
      {
        next: (result) => void this.results.push(result),
        error: (err) => (this.errors = err),
        complete: () => (this.completed = true),
      },
    );
  }

  /** The `n`th result (1-based), once it arrived. */
  async result(n: number, what = `result ${n}`): Promise<FormattedExecutionResult<any, unknown>> {
    await eventually(() => this.results.length >= n || this.errors !== undefined, what);
    if (this.results.length < n) throw new Error(`subscription failed: ${JSON.stringify(this.errors)}`);
    return this.results[n - 1]!;
  }

  /** The refusal, once it arrived (GraphQL errors, or a close event). */
  async refusal(): Promise<any> {
    await eventually(() => this.errors !== undefined, 'the subscription to be refused');
    return this.errors;
  }
}
