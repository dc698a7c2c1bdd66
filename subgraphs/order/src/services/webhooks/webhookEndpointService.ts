import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  generateWebhookSecret,
  InputError,
  isUuid,
  newestFirstKeyset,
  NotFoundError,
  parseFirst,
  toConnection,
  type Connection,
  type FieldError,
  type Prisma,
  type PrismaClient,
} from '@shopgraph/kit';
import type { Actor } from '../orderStore.js';
import { isWebhookEventType, WEBHOOK_EVENT_TYPE_NAMES } from './webhookEventTypes.js';
import type { WebhookSecretBox } from './webhookSecretBox.js';
import type { WebhookSettings } from './webhookSettings.js';
import { validateWebhookUrl } from './webhookUrlPolicy.js';

export type WebhookEndpointRow = Prisma.WebhookEndpointGetPayload<object>;
export type WebhookDeliveryRow = Prisma.WebhookDeliveryGetPayload<object>;
export type WebhookDeliveryStatus = WebhookDeliveryRow['status'];

/** An endpoint with its signing secret in clear: only createWebhookEndpoint and rotateWebhookSecret return one. */
export interface EndpointWithSecret {
  endpoint: WebhookEndpointRow;
  secret: string;
}

const DELIVERY_SORT = 'webhook-deliveries-newest';
const MAX_ROTATION_OVERLAP_SECONDS = 7 * 86_400;

const description = z.string().trim().max(500, 'must be at most 500 characters').nullish();
const eventTypes = z
  .array(z.string())
  .min(1, 'must name at least one event type')
  .max(WEBHOOK_EVENT_TYPE_NAMES.length)
  .superRefine((types, ctx) => {
    for (const t of types) if (!isWebhookEventType(t)) ctx.addIssue({ code: 'custom', message: `"${t}" is not one of ${WEBHOOK_EVENT_TYPE_NAMES.join(', ')}` });
  })
  .transform((types) => [...new Set(types)].sort());
const createSchema = z.object({ url: z.string(), eventTypes, description });
const updateSchema = z.object({ url: z.string().nullish(), eventTypes: eventTypes.nullish(), description, enabled: z.boolean().nullish() });

export type CreateEndpointInput = z.input<typeof createSchema>;
export type UpdateEndpointInput = z.input<typeof updateSchema>;

function parse<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new InputError(parsed.error.issues.map((i): FieldError => ({ field: ['input', ...i.path.filter((p) => typeof p !== 'number')].join('.'), message: i.message })));
  return parsed.data;
}

/** Admin management of webhook endpoints and their deliveries (the rules; resolvers stay thin). */
export class WebhookEndpointService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly box: WebhookSecretBox,
    private readonly settings: WebhookSettings,
    /** Called after a resend commits, so the worker sends it now rather than at its next poll. */
    private readonly onDue: () => void,
  ) {}

  async create(actor: Actor, raw: CreateEndpointInput): Promise<EndpointWithSecret> {
    const input = parse(createSchema, raw);
    const url = await validateWebhookUrl(input.url, this.settings.allowPrivateNetworks);
    const id = randomUUID();
    const secret = generateWebhookSecret();
    const endpoint = await this.prisma.webhookEndpoint.create({
      data: { id, url, description: input.description || null, eventTypes: input.eventTypes, secretCiphertext: this.box.seal(secret, id), createdBy: actor.subject },
    });
    return { endpoint, secret };
  }

  async update(id: string, raw: UpdateEndpointInput): Promise<WebhookEndpointRow> {
    const input = parse(updateSchema, raw);
    const url = input.url != null ? await validateWebhookUrl(input.url, this.settings.allowPrivateNetworks) : undefined;
    await this.find(id);
    return this.prisma.webhookEndpoint.update({
      where: { id },
      data: {
        ...(url !== undefined && { url }),
        ...(input.eventTypes != null && { eventTypes: input.eventTypes }),
        ...(input.description !== undefined && { description: input.description || null }),
        ...(input.enabled != null && { status: input.enabled ? 'ACTIVE' : 'DISABLED' }),
        updatedAt: new Date(),
      },
    });
  }

  /** Deletes the endpoint and its delivery history (no more deliveries are made or sent). */
  async delete(id: string): Promise<string> {
    await this.find(id);
    await this.prisma.webhookEndpoint.deleteMany({ where: { id } });
    return id;
  }

  /**
   * A new secret signs from now on; the old one also signs (a second v1 in the header) for
   * `keepPreviousSeconds`, so receivers can switch over without refusing deliveries.
   */
  async rotateSecret(id: string, keepPreviousSeconds: number): Promise<EndpointWithSecret> {
    if (!Number.isInteger(keepPreviousSeconds) || keepPreviousSeconds < 0 || keepPreviousSeconds > MAX_ROTATION_OVERLAP_SECONDS) {
      throw InputError.of('keepPreviousForSeconds', `must be 0-${MAX_ROTATION_OVERLAP_SECONDS}`);
    }
    const current = await this.find(id);
    const secret = generateWebhookSecret();
    const endpoint = await this.prisma.webhookEndpoint.update({
      where: { id },
      data: {
        secretCiphertext: this.box.seal(secret, id),
        previousSecretCiphertext: keepPreviousSeconds > 0 ? current.secretCiphertext : null,
        previousSecretUntil: keepPreviousSeconds > 0 ? new Date(Date.now() + keepPreviousSeconds * 1000) : null,
        updatedAt: new Date(),
      },
    });
    return { endpoint, secret };
  }

  list(): Promise<WebhookEndpointRow[]> {
    return this.prisma.webhookEndpoint.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  }

  async deliveries(args: { endpointId: string; status?: WebhookDeliveryStatus | null; first?: number | null; after?: string | null }): Promise<Connection<WebhookDeliveryRow>> {
    await this.find(args.endpointId, 'endpointId');
    const first = parseFirst(args.first);
    const { after, keyset } = newestFirstKeyset(args.after, DELIVERY_SORT, 'createdAt');
    const where: Prisma.WebhookDeliveryWhereInput = { endpointId: args.endpointId, ...(args.status && { status: args.status }) };
    const rows = await this.prisma.webhookDelivery.findMany({ where: { AND: [where, keyset] }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: first + 1 });
    return toConnection(rows, { first, after }, DELIVERY_SORT, (d) => [d.createdAt.toISOString(), d.id], () => this.prisma.webhookDelivery.count({ where }));
  }

  /**
   * Sends a delivery again, whatever its status (a dead letter, or one the receiver lost):
   * PENDING now, with a fresh allowance of attempts. Its attempts keep their numbers.
   */
  async resend(id: string): Promise<WebhookDeliveryRow> {
    if (!isUuid(id)) throw new NotFoundError('WebhookDelivery', 'id', id);
    const rows = await this.prisma.webhookDelivery.updateMany({
      where: { id },
      data: { status: 'PENDING', attemptsLeft: this.settings.maxAttempts, nextAttemptAt: new Date(), updatedAt: new Date() },
    });
    if (rows.count === 0) throw new NotFoundError('WebhookDelivery', 'id', id);
    this.onDue();
    return this.prisma.webhookDelivery.findUniqueOrThrow({ where: { id } });
  }

  private async find(id: string, field = 'id'): Promise<WebhookEndpointRow> {
    const endpoint = isUuid(id) ? await this.prisma.webhookEndpoint.findUnique({ where: { id } }) : null;
    if (!endpoint) throw new NotFoundError('WebhookEndpoint', field, id);
    return endpoint;
  }
}
