import type { ApolloServer, BaseContext } from '@apollo/server';
import type { Logger } from '../logger.js';
import type { ServiceHttpServer } from './serviceHttpServer.js';

export interface ApolloLifecycle {
  /** Starts Apollo once, then listens; port 0 picks a free port (tests). */
  listen(port: number, host?: string): Promise<{ port: number; url: string }>;
  /** Stops taking requests first, then Apollo. */
  stop(): Promise<void>;
}

/** The start/stop order every Shopgraph service (gateway and subgraphs) follows. */
export function apolloLifecycle<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  http: ServiceHttpServer,
  logger: Logger,
  readyMessage: string,
): ApolloLifecycle {
  let started = false;
  return {
    async listen(port, host) {
      if (!started) {
        await apollo.start();
        started = true;
      }
      const address = await http.listen(port, host);
      logger.info({ url: `${address.url}/graphql` }, readyMessage);
      return address;
    },
    async stop() {
      await http.close();
      if (started) await apollo.stop();
    },
  };
}
