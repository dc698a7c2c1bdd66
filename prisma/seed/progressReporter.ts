import cliProgress from 'cli-progress';
import type { SeedProgress } from './seedDemoStore.js';

/** Progress bars on a terminal; one line per finished phase otherwise (CI logs, pipes). */
export function progressReporter(): { onProgress: (p: SeedProgress) => void; stop: () => void } {
  if (process.stderr.isTTY) {
    const multibar = new cliProgress.MultiBar(
      {
        format: ' {phase} [{bar}] {value}/{total} | {duration_formatted}',
        hideCursor: true,
        clearOnComplete: false,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    const bars = new Map<string, cliProgress.SingleBar>();
    return {
      onProgress: ({ phase, done, total }) => {
        const label = phase.padEnd(14);
        const bar = bars.get(phase) ?? multibar.create(total, 0, { phase: label });
        bars.set(phase, bar);
        bar.setTotal(total);
        bar.update(done, { phase: label });
      },
      stop: () => multibar.stop(),
    };
  }
  const startedAt = new Map<string, number>();
  const finished = new Set<string>();
  return {
    onProgress: ({ phase, done, total }) => {
      if (!startedAt.has(phase)) startedAt.set(phase, performance.now());
      if (done >= total && !finished.has(phase)) {
        finished.add(phase);
        const seconds = (performance.now() - startedAt.get(phase)!) / 1000;
        console.error(`${phase}: ${done}/${total} (${seconds.toFixed(1)}s)`);
      }
    },
    stop: () => undefined,
  };
}

