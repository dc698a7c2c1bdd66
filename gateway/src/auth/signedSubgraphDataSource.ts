import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ANONYMOUS, IDENTITY_HEADER, REQUEST_ID_HEADER, type Identity, type InternalSigner, type RequestContext } from '@shopgraph/kit';

/** Carries the caller from willSendRequest (which sees the context) to the fetcher (which sees the bytes); never sent. */
const PENDING_IDENTITY_HEADER = 'x-shopgraph-pending-identity';

/** The caller as the subgraphs are told: identity, and the address per-IP limits key on. */
interface PendingCaller {
  identity: Identity;
  clientAddress?: string;
}

/**
 * A subgraph fetch that carries the caller's identity, signed over the exact request bytes
 * (see InternalSigner), and the request id. Without a signer (insecure development mode)
 * nothing is signed and the subgraphs serve the request as anonymous.
 */
export class SignedSubgraphDataSource extends RemoteGraphQLDataSource<RequestContext> {
  constructor(url: string, signer: InternalSigner | undefined, hooks: Pick<Partial<RemoteGraphQLDataSource<RequestContext>>, 'didReceiveResponse' | 'fetcher'> = {}) {
    super({ url, ...hooks });
    const send: RemoteGraphQLDataSource['fetcher'] = this.fetcher;
    this.fetcher = (target, init = {}) => {
      const headers: Record<string, string> = { ...init.headers };
      const pending = headers[PENDING_IDENTITY_HEADER];
      delete headers[PENDING_IDENTITY_HEADER];
      if (signer) {
        const caller: PendingCaller = pending ? (JSON.parse(pending) as PendingCaller) : { identity: ANONYMOUS };
        const search = new URL(target).search;
        headers[IDENTITY_HEADER] = signer.sign(caller.identity, { method: init.method ?? 'GET', search, body: typeof init.body === 'string' ? init.body : '' }, caller.clientAddress);
      }
      return send(target, { ...init, headers });
    };
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RequestContext>): void {
    const { requestId, identity, clientAddress } = context as Partial<RequestContext>;
    if (typeof requestId === 'string') request.http?.headers.set(REQUEST_ID_HEADER, requestId);
    const caller: PendingCaller = { identity: identity ?? ANONYMOUS, ...(clientAddress && { clientAddress }) };
    request.http?.headers.set(PENDING_IDENTITY_HEADER, JSON.stringify(caller));
  }
}
