// `npm run bench -- images`: the image pipeline, each figure beside a baseline of the same run.
//   1. Rendering: the eight renditions of one photo (what the worker does per upload) beside
//      decoding the same photo once (the least any pipeline must do), sequentially, per size.
//   2. Serving: GET /media/images/<sha256>.webp through the gateway's media route on a service
//      HTTP server, beside /health of that same server (the HTTP stack alone).
// Writes bench/results/images.{json,md}. No database: rendering and serving need none.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { createLogger, createMediaSettings, createServiceHttpServer, createServiceMetrics, REPO_ROOT } from '@shopgraph/kit';
import sharp from 'sharp';
import { createMediaRoutes } from '../../gateway/src/media/mediaRoutes.js';
import { JPEG_OPTIONS, SharpImageProcessor } from '../../subgraphs/product/src/services/images/imageProcessor.js';
import { photoJpeg } from '../../subgraphs/product/test/imageFixtures.js';

export interface ImagesBenchOptions {
  durationSeconds: number;
  connections: number;
}

interface Timing {
  runs: number;
  meanMs: number;
  p50Ms: number;
  maxMs: number;
}

async function time(runs: number, work: () => Promise<unknown>): Promise<Timing> {
  await work(); // warm-up: libvips caches, JIT
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await work();
    ms.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return { runs, meanMs: round(ms.reduce((a, b) => a + b, 0) / runs), p50Ms: round(ms[Math.floor(runs / 2)]!), maxMs: round(ms[runs - 1]!) };
}

async function load(url: string, options: ImagesBenchOptions) {
  const result = await autocannon({ url, connections: options.connections, duration: options.durationSeconds });
  return { requestsPerSecond: Math.round(result.requests.average), p50Ms: result.latency.p50, p99Ms: result.latency.p99, errors: result.errors + result.non2xx, throughputMBs: Math.round((result.throughput.average / 1e6) * 10) / 10 };
}

export async function runImagesBench(options: ImagesBenchOptions): Promise<void> {
  const loadAtStart = os.loadavg();
  const processor = new SharpImageProcessor();
  const rendering = [];
  let jpegEncoders: Record<'ours' | 'mozjpeg', Timing & { bytes: number }> | undefined;
  for (const [width, height, runs] of [
    [1600, 1200, 8],
    [4000, 3000, 4],
  ] as const) {
    const photo = await photoJpeg(width, height);
    const decode = await time(runs, () => sharp(photo).raw().toBuffer());
    const render = await time(runs, () => processor.render(photo, { maxPixels: 50_000_000 }));
    rendering.push({ photo: `${width} x ${height} JPEG (${Math.round(photo.length / 1024)} KiB)`, decodeOnce: decode, eightRenditions: render, ratio: Math.round((render.meanMs / decode.meanMs) * 10) / 10 });
    if (width === 1600) {
      // The JPEG encoder choice, on the LARGE rendition: what we use beside mozjpeg, alternating.
      const large = sharp(photo).resize({ width: 1600, height: 1600, fit: 'inside' });
      const ours = await time(runs, () => large.clone().jpeg(JPEG_OPTIONS).toBuffer());
      const moz = await time(runs, () => large.clone().jpeg({ quality: 82, mozjpeg: true }).toBuffer());
      const [oursBytes, mozBytes] = [(await large.clone().jpeg(JPEG_OPTIONS).toBuffer()).length, (await large.clone().jpeg({ quality: 82, mozjpeg: true }).toBuffer()).length];
      jpegEncoders = { ours: { ...ours, bytes: oursBytes }, mozjpeg: { ...moz, bytes: mozBytes } };
      console.log(`LARGE JPEG: ours ${ours.meanMs} ms ${oursBytes} B vs mozjpeg ${moz.meanMs} ms ${mozBytes} B`);
    }
    console.log(`render ${width}x${height}: eight renditions ${render.meanMs} ms mean (p50 ${render.p50Ms}) vs decode once ${decode.meanMs} ms`);
  }

  const dir = mkdtempSync(path.join(os.tmpdir(), 'shopgraph-images-bench-'));
  const media = createMediaSettings({ dir, secret: undefined });
  const renditions = await processor.render(await photoJpeg(1600, 1200), { maxPixels: 50_000_000 });
  const medium = renditions.find((r) => r.size === 'MEDIUM' && r.format === 'WEBP')!;
  const { createHash } = await import('node:crypto');
  const key = `images/${createHash('sha256').update(medium.data).digest('hex')}.webp`;
  await media.storage.put(key, medium.data);
  const logger = createLogger('bench', 'silent');
  const metrics = createServiceMetrics('bench');
  const server = createServiceHttpServer({
    service: 'bench',
    logger,
    metrics,
    readiness: [],
    routes: createMediaRoutes({ media, productSubgraphUrl: 'http://127.0.0.1:9/graphql', signer: undefined, logger, registry: metrics.registry }),
  });
  const { port } = await server.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${port}`;
  const health = await load(`${base}/health`, options);
  const rendition = await load(`${base}/media/${key}`, options);
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(`serve ${medium.data.length} B rendition: ${rendition.requestsPerSecond} req/s (p99 ${rendition.p99Ms} ms) vs /health ${health.requestsPerSecond} req/s (p99 ${health.p99Ms} ms)`);

  const machine = { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadAtStart, loadAtEnd: os.loadavg() };
  const at = new Date().toISOString();
  const serving = { renditionBytes: medium.data.length, connections: options.connections, durationSeconds: options.durationSeconds, rendition, baselineHealth: health };
  const results = path.join(REPO_ROOT, 'bench', 'results');
  writeFileSync(path.join(results, 'images.json'), `${JSON.stringify({ at, machine, sharp: sharp.versions.sharp, vips: sharp.versions.vips, rendering, jpegEncoders, serving }, null, 2)}\n`);
  const lines = [
    `# Image pipeline (${at})`,
    '',
    `Machine: ${machine.cpus} cores (${machine.model}), load average ${loadAtStart.map((l) => l.toFixed(1)).join(' / ')} at start, ${machine.loadAtEnd.map((l) => l.toFixed(1)).join(' / ')} at end. sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}.`,
    '',
    '| photo | eight renditions (mean / p50 / max ms) | baseline: decode once (mean ms) | ratio |',
    '| --- | --- | --- | --- |',
    ...rendering.map((r) => `| ${r.photo} | ${r.eightRenditions.meanMs} / ${r.eightRenditions.p50Ms} / ${r.eightRenditions.maxMs} (${r.eightRenditions.runs} runs) | ${r.decodeOnce.meanMs} | ${r.ratio}x |`),
    '',
    ...(jpegEncoders
      ? [
          '| LARGE rendition (1600 px) as JPEG q82 | mean / p50 ms | bytes |',
          '| --- | --- | --- |',
          `| libjpeg-turbo, progressive, optimised (used) | ${jpegEncoders.ours.meanMs} / ${jpegEncoders.ours.p50Ms} | ${jpegEncoders.ours.bytes} |`,
          `| baseline: mozjpeg | ${jpegEncoders.mozjpeg.meanMs} / ${jpegEncoders.mozjpeg.p50Ms} | ${jpegEncoders.mozjpeg.bytes} |`,
          '',
        ]
      : []),
    `| served, ${options.connections} connections, ${options.durationSeconds} s | req/s | p50 / p99 ms | errors |`,
    '| --- | --- | --- | --- |',
    `| GET /media/images/<sha256>.webp (${medium.data.length} B) | ${rendition.requestsPerSecond} | ${rendition.p50Ms} / ${rendition.p99Ms} | ${rendition.errors} |`,
    `| baseline: GET /health, same server | ${health.requestsPerSecond} | ${health.p50Ms} / ${health.p99Ms} | ${health.errors} |`,
    '',
  ];
  writeFileSync(path.join(results, 'images.md'), lines.join('\n'));
}
