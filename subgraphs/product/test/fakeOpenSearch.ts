import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A transport-level double of OpenSearch for the official client: a real HTTP server that
 * records every request (method, path, parsed body) and answers in OpenSearch's own response
 * shapes from the documents it was sent. Matching is deliberately simple (each query word
 * must be within AUTO edit distance of a word of the document); what the tests check is the
 * request the engine builds and how it maps a real-looking answer.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  body: any;
}

type Doc = Record<string, any>;

export class FakeOpenSearch {
  readonly requests: RecordedRequest[] = [];
  readonly indices = new Map<string, Map<string, Doc>>();
  readonly aliases = new Map<string, string>();
  /** 'ok', or fail every request with a 503, or hang until the client's timeout. */
  mode: 'ok' | 'fail' | 'hang' = 'ok';
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        (answer) => {
          if (answer === 'hang') return;
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(answer.status === 200 && req.method === 'HEAD' ? undefined : JSON.stringify(answer.body));
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { type: 'fake_failure', reason: String(err) }, status: 500 }));
        },
      );
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  searches(): RecordedRequest[] {
    return this.requests.filter((r) => r.path.endsWith('/_search'));
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown } | 'hang'> {
    const text = await new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString('utf8')));
      req.on('end', () => resolve(data));
    });
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const body = path.endsWith('/_bulk') ? text.split('\n').filter(Boolean).map((l) => JSON.parse(l)) : text ? JSON.parse(text) : undefined;
    this.requests.push({ method, path, body });
    if (this.mode === 'hang') return 'hang';
    if (this.mode === 'fail') return { status: 503, body: { error: { type: 'cluster_block_exception', reason: 'fake outage' }, status: 503 } };

    const parts = path.split('/').filter(Boolean);
    if (parts[0] === '_alias') {
      const target = this.aliases.get(parts[1]!);
      return target ? { status: 200, body: { [target]: { aliases: { [parts[1]!]: {} } } } } : { status: 404, body: { error: 'alias missing', status: 404 } };
    }
    if (parts[0] === '_aliases' && method === 'POST') {
      for (const action of body.actions) {
        if (action.remove) this.aliases.delete(action.remove.alias);
        if (action.add) this.aliases.set(action.add.alias, action.add.index);
      }
      return { status: 200, body: { acknowledged: true } };
    }
    if (parts[0] === '_bulk') return { status: 200, body: this.bulk(body, url.searchParams.get('require_alias') === 'true') };
    if (parts.length === 1 && method === 'PUT') {
      this.indices.set(parts[0]!, new Map());
      return { status: 200, body: { acknowledged: true, shards_acknowledged: true, index: parts[0] } };
    }
    if (parts.length === 1 && method === 'DELETE') {
      this.indices.delete(parts[0]!);
      return { status: 200, body: { acknowledged: true } };
    }
    if (parts[1] === '_refresh') return { status: 200, body: { _shards: { total: 1, successful: 1, failed: 0 } } };
    if (parts[1] === '_search') {
      const docs = this.indices.get(this.aliases.get(parts[0]!) ?? parts[0]!);
      if (!docs) return { status: 404, body: { error: { type: 'index_not_found_exception' }, status: 404 } };
      return { status: 200, body: body.suggest?.products ? this.completion(docs, body) : this.search(docs, body) };
    }
    return { status: 400, body: { error: `fake OpenSearch does not know ${method} ${path}` } };
  }

  private bulk(lines: any[], requireAlias: boolean) {
    const items: unknown[] = [];
    for (let i = 0; i < lines.length; i++) {
      const [op, meta] = Object.entries(lines[i])[0] as [string, { _index: string; _id: string }];
      if (requireAlias && !this.aliases.has(meta._index)) {
        if (op === 'index') i++;
        items.push({ [op]: { _index: meta._index, _id: meta._id, status: 404, error: { type: 'index_not_found_exception', reason: `no such index [${meta._index}] and [require_alias] request flag is [true]` } } });
        continue;
      }
      const index = this.indices.get(this.aliases.get(meta._index) ?? meta._index) ?? new Map<string, Doc>();
      this.indices.set(this.aliases.get(meta._index) ?? meta._index, index);
      if (op === 'index') {
        index.set(meta._id, lines[++i]);
        items.push({ index: { _index: meta._index, _id: meta._id, status: 201, result: 'created' } });
      } else {
        const existed = index.delete(meta._id);
        items.push({ delete: { _index: meta._index, _id: meta._id, status: existed ? 200 : 404, result: existed ? 'deleted' : 'not_found' } });
      }
    }
    return { took: 3, errors: items.some((i: any) => Object.values(i as Record<string, { error?: unknown }>)[0]!.error), items };
  }

  private search(docs: Map<string, Doc>, body: any) {
    const bool = body.query.function_score.query.bool;
    const words = tokens(bool.must[0].multi_match.query);
    const matched = [...docs.entries()].filter(([, d]) => passes(d, bool.filter) && words.every((w) => tokens(`${d.name} ${d.brand} ${d.category} ${d.attribute_text} ${d.description}`).some((t) => near(w, t))));
    const scored = matched.map(([id, d]) => ({ id, d, score: words.filter((w) => tokens(d.name).some((t) => near(w, t))).length + (d.in_stock ? 1 : 0.5) }));
    scored.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
    const page = scored.slice(body.from, body.from + body.size);
    const mark = (text: string) => text.replace(/[\p{L}\p{N}]+/gu, (t) => (words.some((w) => near(w, t.toLowerCase())) ? `${body.highlight.pre_tags[0]}${t}${body.highlight.post_tags[0]}` : t));
    const all = matched.map(([, d]) => d);
    const lexicon = new Set([...docs.values()].flatMap((d) => tokens(`${d.name} ${d.brand} ${d.category} ${d.attribute_text}`)));
    let offset = 0;
    const suggestions = body.suggest.text.split(' ').map((word: string) => {
      const entry = { text: word, offset, length: word.length, options: [] as unknown[] };
      offset += word.length + 1;
      if (!lexicon.has(word) && word.length >= 3) {
        const best = [...lexicon].filter((t) => near(word, t)).sort()[0];
        if (best) entry.options.push({ text: best, score: 0.8, freq: 1 });
      }
      return entry;
    });
    return {
      took: 4,
      timed_out: false,
      _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      hits: {
        total: { value: matched.length, relation: 'eq' },
        max_score: scored[0]?.score ?? null,
        hits: page.map((s) => ({
          _index: 'products',
          _id: s.id,
          _score: s.score,
          highlight: { name: [mark(s.d.name)], ...(tokens(s.d.description).some((t) => words.some((w) => near(w, t))) && { description: [mark(s.d.description)] }) },
        })),
      },
      ...(body.aggs && {
        aggregations: {
          categories: terms(all.flatMap((d) => d.category_ids)),
          brands: terms(all.map((d) => d.brand_id)),
          prices: { buckets: body.aggs.prices.range.ranges.map((r: { from: number; to?: number }) => ({ key: `${r.from}-${r.to ?? '*'}`, from: r.from, ...(r.to != null && { to: r.to }), doc_count: all.filter((d) => d.min_price >= r.from && (r.to == null || d.min_price < r.to)).length })) },
          ratings: { buckets: body.aggs.ratings.range.ranges.map((r: { key: string; from: number }) => ({ key: r.key, from: r.from, doc_count: all.filter((d) => d.rating >= r.from).length })) },
        },
      }),
      suggest: { did_you_mean: suggestions },
    };
  }

  private completion(docs: Map<string, Doc>, body: any) {
    const { prefix, completion } = body.suggest.products;
    const options: unknown[] = [];
    for (const [id, d] of docs) {
      for (const input of d.suggest.input as string[]) {
        if (input.toLowerCase().startsWith(prefix)) options.push({ text: input, _index: 'products', _id: id, _score: 1, _source: { name: d.name, brand: d.brand, brand_id: d.brand_id, category: d.category, category_id: d.category_id } });
      }
    }
    return { took: 1, timed_out: false, hits: { total: { value: 0, relation: 'eq' }, hits: [] }, suggest: { products: [{ text: prefix, offset: 0, length: prefix.length, options: options.slice(0, completion.size) }] } };
  }
}

function tokens(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** fuzziness AUTO with prefix_length 1, Damerau-Levenshtein (a transposition is one edit). */
function near(word: string, term: string): boolean {
  const allowed = word.length <= 2 ? 0 : word.length <= 5 ? 1 : 2;
  if (word === term) return true;
  if (allowed === 0 || word[0] !== term[0] || Math.abs(word.length - term.length) > allowed) return false;
  const d: number[][] = Array.from({ length: word.length + 1 }, (_, i) => Array.from({ length: term.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= word.length; i++) {
    for (let j = 1; j <= term.length; j++) {
      const cost = word[i - 1] === term[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && word[i - 1] === term[j - 2] && word[i - 2] === term[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[word.length]![term.length]! <= allowed;
}

function passes(d: Doc, filters: any[]): boolean {
  return filters.every((f) => {
    if (f.terms) {
      const [field, values] = Object.entries(f.terms)[0] as [string, string[]];
      const have = Array.isArray(d[field]) ? d[field] : [d[field]];
      return values.some((v) => have.includes(v));
    }
    if (f.term) return d.in_stock === f.term.in_stock;
    const [field, range] = Object.entries(f.range)[0] as [string, { gte?: number; lte?: number }];
    return (range.gte == null || d[field] >= range.gte) && (range.lte == null || d[field] <= range.lte);
  });
}

function terms(values: string[]) {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return { doc_count_error_upper_bound: 0, sum_other_doc_count: 0, buckets: [...counts].sort((a, b) => b[1] - a[1]).map(([key, doc_count]) => ({ key, doc_count })) };
}
