import { PeriodicTask, signWebhook, WEBHOOK_HEADERS, type Logger, type PrismaClient } from '@shopgraph/kit';
import type { WebhookMetrics } from './webhookMetrics.js';
import type { WebhookSecretBox } from './webhookSecretBox.js';
import { sendWebhook, type AttemptOutcome } from './webhookSender.js';
import type { WebhookSettings } from './webhookSettings.js';

/** A delivery claimed for one attempt. */
interface ClaimedDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  body: string;
  /** The number of this attempt (1 for the first). */
  attempt: number;
  attemptsLeft: number;
  url: string;
  secretCiphertext: string;
  previousSecretCiphertext: string | null;
  previousSecretUntil: Date | null;
}

/** One attempt's result, recorded with the rest of its batch. */
interface AttemptRecord {
  delivery: ClaimedDelivery;
  startedAt: Date;
  outcome: AttemptOutcome;
  status: 'SUCCEEDED' | 'DEAD_LETTERED' | 'PENDING';
  retryInMs: number;
}

/** Full jitter: a uniformly random wait in [0, min(max, base * 2^(n-1))] before retry n. */
export function backoffDelayMs(failedAttempts: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Sends due webhook deliveries. Every order instance runs one (a PeriodicTask, woken early
 * when the fan-out adds rows). Chosen over pg-boss: the delivery rows already hold what the
 * admin queries show (status, attempts, next attempt, per-attempt log), so they are the queue
 * themselves rather than a copy of a pg-boss job's state.
 *
 * A claim (FOR UPDATE SKIP LOCKED, one short transaction) numbers the attempt and pushes
 * next_attempt_at past the attempt's timeout, so no other instance takes the row while it is
 * being sent; an instance that dies mid-send leaves the row to be claimed again when that
 * lease runs out, as the next attempt. The same attempt is never sent twice.
 */
export class WebhookDeliveryWorker {
  private readonly task: PeriodicTask;
  private inFlight: Promise<number> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly box: WebhookSecretBox,
    private readonly settings: WebhookSettings,
    private readonly logger: Logger,
    private readonly metrics: WebhookMetrics,
  ) {
    this.task = new PeriodicTask(() => this.kick(), logger, 'webhook delivery run');
  }

  start(): void {
    this.task.start(this.settings.pollIntervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.task.stop();
    await this.inFlight;
  }

  /** New rows are due: run a pass now (or right after the one in flight) when the worker is on. */
  wake(): void {
    if (this.settings.pollIntervalMs <= 0 || this.stopped) return;
    void this.kick().catch((err: unknown) => this.logger.error({ err }, 'webhook delivery run failed'));
  }

  private kick(): Promise<number> {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = (async () => {
      let sent = 0;
      do {
        this.again = false;
        sent += await this.runOnce();
      } while (this.again && !this.stopped);
      return sent;
    })().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Sends every delivery due now, `concurrency` at a time, until none is due; returns how many attempts were made. */
  async runOnce(): Promise<number> {
    let attempts = 0;
    await this.deadLetterInterrupted();
    while (!this.stopped) {
      const claimed = await this.claim(this.settings.concurrency);
      if (claimed.length === 0) break;
      await this.record(await Promise.all(claimed.map((d) => this.attempt(d))));
      attempts += claimed.length;
    }
    return attempts;
  }

  private async claim(limit: number): Promise<ClaimedDelivery[]> {
    const leaseSeconds = Math.ceil(this.settings.timeoutMs / 1000) + 30;
    return this.prisma.$queryRaw<ClaimedDelivery[]>`
      WITH due AS (
        SELECT d.id FROM ordering.webhook_delivery d JOIN ordering.webhook_endpoint e ON e.id = d.endpoint_id
        WHERE d.status = 'PENDING' AND d.next_attempt_at <= now() AND d.attempts_left > 0 AND e.status = 'ACTIVE'
        ORDER BY d.next_attempt_at
        LIMIT ${limit}
        FOR UPDATE OF d SKIP LOCKED
      )
      UPDATE ordering.webhook_delivery d
      SET attempts = d.attempts + 1, attempts_left = d.attempts_left - 1,
          next_attempt_at = now() + make_interval(secs => ${leaseSeconds}), updated_at = now()
      FROM due, ordering.webhook_endpoint e
      WHERE d.id = due.id AND e.id = d.endpoint_id
      RETURNING d.id::text, d.endpoint_id::text AS "endpointId", d.event_id::text AS "eventId", d.event_type AS "eventType", d.body,
                d.attempts AS attempt, d.attempts_left AS "attemptsLeft", e.url, e.secret_ciphertext AS "secretCiphertext",
                e.previous_secret_ciphertext AS "previousSecretCiphertext", e.previous_secret_until AS "previousSecretUntil"`;
  }

  /** A last attempt whose sender died (its lease ran out with no attempts left) is dead-lettered, not left pending. */
  private async deadLetterInterrupted(): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE ordering.webhook_delivery SET status = 'DEAD_LETTERED', last_error = coalesce(last_error, 'interrupted'), updated_at = now()
      WHERE status = 'PENDING' AND attempts_left = 0 AND next_attempt_at <= now()`;
  }

  private secretsOf(d: ClaimedDelivery): string[] {
    const open = (sealed: string): string => {
      const secret = this.box.open(sealed, d.endpointId);
      if (secret === null) throw new Error(`the signing secret of webhook endpoint ${d.endpointId} does not open (WEBHOOK_SECRET_KEY changed?)`);
      return secret;
    };
    const secrets = [open(d.secretCiphertext)];
    if (d.previousSecretCiphertext && d.previousSecretUntil && d.previousSecretUntil.getTime() > Date.now()) secrets.push(open(d.previousSecretCiphertext));
    return secrets;
  }

  private async attempt(d: ClaimedDelivery): Promise<AttemptRecord> {
    const startedAt = new Date();
    const timestamp = Math.floor(startedAt.getTime() / 1000);
    let outcome: AttemptOutcome;
    try {
      outcome = await sendWebhook(
        {
          url: d.url,
          body: d.body,
          headers: {
            [WEBHOOK_HEADERS.eventId]: d.eventId,
            [WEBHOOK_HEADERS.eventType]: d.eventType,
            [WEBHOOK_HEADERS.timestamp]: String(timestamp),
            [WEBHOOK_HEADERS.attempt]: String(d.attempt),
            [WEBHOOK_HEADERS.signature]: signWebhook(this.secretsOf(d), timestamp, d.body),
          },
        },
        { timeoutMs: this.settings.timeoutMs, allowPrivateNetworks: this.settings.allowPrivateNetworks },
      );
    } catch (err) {
      outcome = { succeeded: false, statusCode: null, error: err instanceof Error ? err.message : String(err), durationMs: Date.now() - startedAt.getTime() };
    }
    const status = outcome.succeeded ? 'SUCCEEDED' : d.attemptsLeft === 0 ? 'DEAD_LETTERED' : 'PENDING';
    const retryInMs = status === 'PENDING' ? backoffDelayMs(d.attempt, this.settings.backoffBaseMs, this.settings.backoffMaxMs) : 0;
    return { delivery: d, startedAt, outcome, status, retryInMs };
  }

  /** Records a claimed batch's attempts and outcomes: one transaction of two statements for the whole batch. */
  private async record(records: readonly AttemptRecord[]): Promise<void> {
    const rows = records.map((r) => ({
      id: r.delivery.id,
      attempt: r.delivery.attempt,
      succeeded: r.outcome.succeeded,
      statusCode: r.outcome.statusCode,
      error: r.outcome.error,
      durationMs: r.outcome.durationMs,
      startedAt: r.startedAt.toISOString(),
      status: r.status,
      retrySeconds: r.retryInMs / 1000,
    }));
    const json = JSON.stringify(rows);
    await this.prisma.$transaction([
      this.prisma.$executeRaw`
        INSERT INTO ordering.webhook_delivery_attempt (delivery_id, attempt, succeeded, status_code, error, duration_ms, started_at)
        SELECT v.id, v.attempt, v.succeeded, v."statusCode", v.error, v."durationMs", v."startedAt"
        FROM jsonb_to_recordset(${json}::jsonb) AS v(id uuid, attempt int, succeeded boolean, "statusCode" int, error text, "durationMs" int, "startedAt" timestamptz)
        ON CONFLICT (delivery_id, attempt) DO NOTHING`,
      // Only rows still at this attempt: a resend or a re-claim after a lapsed lease moved the others on.
      this.prisma.$executeRaw`
        UPDATE ordering.webhook_delivery d
        SET status = v.status::ordering.webhook_delivery_status, last_status_code = v."statusCode", last_error = v.error,
            delivered_at = CASE WHEN v.succeeded THEN now() ELSE d.delivered_at END,
            next_attempt_at = now() + make_interval(secs => v."retrySeconds"), updated_at = now()
        FROM jsonb_to_recordset(${json}::jsonb) AS v(id uuid, attempt int, succeeded boolean, "statusCode" int, error text, status text, "retrySeconds" float8)
        WHERE d.id = v.id AND d.attempts = v.attempt AND d.status = 'PENDING'`,
    ]);
    for (const r of records) {
      this.metrics.attempts.inc({ outcome: r.outcome.succeeded ? 'succeeded' : 'failed' });
      this.metrics.duration.observe(r.outcome.durationMs / 1000);
      if (r.status === 'DEAD_LETTERED') {
        this.metrics.deadLettered.inc();
        this.logger.warn({ deliveryId: r.delivery.id, eventId: r.delivery.eventId, url: r.delivery.url, error: r.outcome.error }, 'webhook delivery dead-lettered');
      }
    }
  }
}
