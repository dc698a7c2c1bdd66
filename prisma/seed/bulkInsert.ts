import type { ClientBase } from 'pg';

export interface TableSpec {
  /** Schema-qualified, already quoted where needed: 'ordering."order"'. */
  name: string;
  /** [column, Postgres element type for the unnest() array]. */
  columns: readonly (readonly [string, string])[];
}

/** Rows per INSERT statement: big enough to amortise round trips, small enough for modest parameter arrays. */
export const STATEMENT_ROWS = 5000;

/**
 * Sends INSERT ... SELECT * FROM unnest(...) statements on one client. insert() returns
 * as soon as its last statement is sent, so Node generates the next chunk while Postgres
 * writes this one; only one statement is ever in flight (pg 9 drops client-side queueing),
 * which also bounds memory.
 */
export class InsertQueue {
  private inFlight: Promise<unknown> = Promise.resolve();
  private readonly sqlCache = new Map<TableSpec, string>();

  constructor(private readonly client: ClientBase) {}

  async insert(table: TableSpec, columns: readonly unknown[][], rowCount: number): Promise<void> {
    for (let start = 0; start < rowCount; start += STATEMENT_ROWS) {
      const end = Math.min(rowCount, start + STATEMENT_ROWS);
      const params = start === 0 && end === rowCount ? columns : columns.map((values) => values.slice(start, end));
      await this.inFlight;
      const pending = this.client.query(this.sql(table), params as unknown[]);
      // Rejections surface at the next await of inFlight; this only stops them counting as unhandled meanwhile.
      pending.catch(() => undefined);
      this.inFlight = pending;
    }
  }

  /** Waits for the statement in flight; throws if it (or the one that aborted the transaction) failed. */
  async drain(): Promise<void> {
    const pending = this.inFlight;
    this.inFlight = Promise.resolve();
    await pending;
  }

  private sql(table: TableSpec): string {
    let sql = this.sqlCache.get(table);
    if (!sql) {
      const names = table.columns.map(([column]) => `"${column}"`).join(', ');
      const arrays = table.columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
      sql = `INSERT INTO ${table.name} (${names}) SELECT * FROM unnest(${arrays})`;
      this.sqlCache.set(table, sql);
    }
    return sql;
  }
}

/** Column-wise row buffer for one table; rows are pushed in TableSpec column order. */
export class TableBuffer {
  readonly columns: unknown[][];
  rows = 0;
  /** Rows handed to the queue so far. */
  written = 0;

  constructor(readonly table: TableSpec) {
    this.columns = table.columns.map(() => []);
  }

  push(...values: unknown[]): void {
    const columns = this.columns;
    for (let i = 0; i < columns.length; i++) (columns[i] as unknown[]).push(values[i]);
    this.rows++;
  }

  async flush(queue: InsertQueue): Promise<void> {
    if (this.rows === 0) return;
    const columns = this.columns.map((values) => values.splice(0));
    const rows = this.rows;
    this.rows = 0;
    this.written += rows;
    await queue.insert(this.table, columns, rows);
  }
}

/**
 * Buffers for tables that reference each other, flushed together in the order they
 * were added (parents first) so foreign keys hold when the statements run.
 */
export class BufferGroup {
  private readonly buffers: TableBuffer[] = [];

  constructor(
    private readonly queue: InsertQueue,
    private readonly flushAtRows = STATEMENT_ROWS,
  ) {}

  add(table: TableSpec): TableBuffer {
    const buffer = new TableBuffer(table);
    this.buffers.push(buffer);
    return buffer;
  }

  async flushIfFull(): Promise<void> {
    if (this.buffers.some((b) => b.rows >= this.flushAtRows)) await this.flush();
  }

  async flush(): Promise<void> {
    for (const buffer of this.buffers) await buffer.flush(this.queue);
  }
}
