import net from 'node:net';

export interface PortClaim {
  /** Who wants the port, for the message. */
  owner: string;
  port: number;
  host?: string;
}

function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/**
 * Fails before anything starts when a port is taken: otherwise a foreign process could
 * answer our /health poll, or a service would die on EADDRINUSE halfway through startup.
 */
export async function assertPortsFree(claims: PortClaim[], hint: string): Promise<void> {
  const taken: PortClaim[] = [];
  for (const claim of claims) {
    if (!(await portFree(claim.port, claim.host ?? '0.0.0.0'))) taken.push(claim);
  }
  if (taken.length > 0) {
    const list = taken.map((c) => `${c.port} (${c.owner})`).join(', ');
    throw new Error(`port${taken.length > 1 ? 's' : ''} already in use: ${list}. ${hint}`);
  }
}
