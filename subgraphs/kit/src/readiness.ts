/** A dependency the service needs to answer requests (database, Redis, search, a subgraph). */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
  /**
   * false: the service still answers without it (OpenSearch: search falls back to PostgreSQL),
   * so /ready shows it down but stays 200. Default true: down means 503.
   */
  required?: boolean;
  /** What the service is doing about it beyond up or down (the search circuit's state). */
  detail?: () => Record<string, unknown>;
}

export interface ReadinessResult {
  state: 'up' | 'down';
  /** Kept beside `state` for existing readers: true when up. */
  ok: boolean;
  required: boolean;
  error?: string;
  ms: number;
  [detail: string]: unknown;
}

export interface ReadinessReport {
  /** Every required dependency is up. */
  ready: boolean;
  checks: Record<string, ReadinessResult>;
}

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      () => (clearTimeout(t), resolve()),
      (e: unknown) => (clearTimeout(t), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}

async function runCheck(c: ReadinessCheck): Promise<ReadinessResult> {
  const started = performance.now();
  const required = c.required ?? true;
  const detail = c.detail?.() ?? {};
  try {
    await withTimeout(c.check(), CHECK_TIMEOUT_MS);
    return { ...detail, state: 'up', ok: true, required, ms: Math.round(performance.now() - started) };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    return { ...detail, state: 'down', ok: false, required, error, ms: Math.round(performance.now() - started) };
  }
}

export async function checkReadiness(checks: readonly ReadinessCheck[]): Promise<ReadinessReport> {
  const results = await Promise.all(checks.map(async (c) => [c.name, await runCheck(c)] as const));
  const checksByName: ReadinessReport['checks'] = {};
  for (const [name, result] of results) checksByName[name] = result;
  return { ready: results.every(([, r]) => r.ok || !r.required), checks: checksByName };
}
