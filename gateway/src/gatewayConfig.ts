import { loadServiceConfig, SERVICE_PORTS, SUBGRAPH_NAMES, type ServiceConfig, type SubgraphName } from '@shopgraph/kit';

export interface GatewayConfig extends ServiceConfig {
  /** Where each subgraph answers; defaults to the contract's localhost ports. */
  subgraphUrls: Record<SubgraphName, string>;
}

/** `<NAME>_SUBGRAPH_URL`, e.g. PRODUCT_SUBGRAPH_URL, moves a subgraph (docker-compose uses service names). */
export function subgraphUrlVariable(name: SubgraphName): string {
  return `${name.toUpperCase()}_SUBGRAPH_URL`;
}

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const base = loadServiceConfig('gateway', env);
  const subgraphUrls = Object.fromEntries(
    SUBGRAPH_NAMES.map((name) => {
      const value = env[subgraphUrlVariable(name)];
      const url = value && value.trim() !== '' ? value.trim() : `http://localhost:${SERVICE_PORTS[name]}/graphql`;
      try {
        new URL(url);
      } catch {
        throw new Error(`Invalid configuration for gateway: ${subgraphUrlVariable(name)} is not a URL`);
      }
      return [name, url];
    }),
  ) as Record<SubgraphName, string>;
  return { ...base, subgraphUrls };
}
