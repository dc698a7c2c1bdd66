import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature, WEBHOOK_HEADERS } from '@shopgraph/kit';

/** One request as the receiver saw it. */
export interface ReceivedWebhook {
  eventId: string;
  eventType: string;
  attempt: number;
  body: string;
  headers: IncomingHttpHeaders;
  /** What the receiver answered. */
  status: number;
}

/**
 * A real HTTP receiver for tests: `answer` decides each response's status from the request
 * and how often its event id came before. It keeps every request, so a test can deduplicate
 * on the event id the way a production receiver would and check every signature.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private server: Server | undefined;

  constructor(private answer: (request: { eventId: string; seenBefore: number }) => number = () => 200) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const eventId = String(req.headers[WEBHOOK_HEADERS.eventId] ?? '');
        const seenBefore = this.received.filter((r) => r.eventId === eventId).length;
        const status = this.answer({ eventId, seenBefore });
        this.received.push({
          eventId,
          eventType: String(req.headers[WEBHOOK_HEADERS.eventType] ?? ''),
          attempt: Number(req.headers[WEBHOOK_HEADERS.attempt]),
          body: Buffer.concat(chunks).toString('utf8'),
          headers: req.headers,
          status,
        });
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'try later');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  /** Changes how the receiver answers from now on. */
  answerWith(answer: (request: { eventId: string; seenBefore: number }) => number): void {
    this.answer = answer;
  }

  /** The requests it accepted (2xx), one per event id: what a receiver deduplicating on the id processes. */
  accepted(): Map<string, ReceivedWebhook> {
    const byId = new Map<string, ReceivedWebhook>();
    for (const r of this.received) if (r.status < 300 && !byId.has(r.eventId)) byId.set(r.eventId, r);
    return byId;
  }

  /** True when every request carried a valid signature for `secret` over its raw body. */
  allSignaturesValid(secret: string): boolean {
    return this.received.every((r) => verifyWebhookSignature({ header: String(r.headers[WEBHOOK_HEADERS.signature]), rawBody: r.body, secret }).ok);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
