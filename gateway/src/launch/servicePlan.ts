import { SERVICE_PORTS, SUBGRAPH_NAMES, type ServiceName } from '@shopgraph/kit';
import { subgraphUrlVariable } from '../gatewayConfig.js';

export interface PlannedService {
  name: ServiceName;
  port: number;
  /** Added to the launcher's environment for this service only. */
  env: Record<string, string>;
}

/**
 * The services `npm start` runs, in start order, as data: first every subgraph (started
 * together), then the gateway pointed at them. Ports follow the contract, moved by an
 * offset when a second stack must run beside the first.
 */
export function planServices(portOffset: number): { subgraphs: PlannedService[]; gateway: PlannedService } {
  const portOf = (name: ServiceName) => SERVICE_PORTS[name] + portOffset;
  // Every service knows where each subgraph answers: the gateway to plan, subgraphs for their service-to-service calls.
  const urls: Record<string, string> = {};
  for (const name of SUBGRAPH_NAMES) urls[subgraphUrlVariable(name)] = `http://127.0.0.1:${portOf(name)}/graphql`;
  const subgraphs = SUBGRAPH_NAMES.map((name) => ({ name, port: portOf(name), env: { ...urls, PORT: String(portOf(name)) } }));
  // `npm start` is development: the playground offers browsers on this machine an admin token.
  const gatewayEnv: Record<string, string> = { ...urls, PORT: String(portOf('gateway')), SHOPGRAPH_DEVELOPMENT: '1' };
  return { subgraphs, gateway: { name: 'gateway', port: portOf('gateway'), env: gatewayEnv } };
}
