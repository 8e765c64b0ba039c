/**
 * `npm run bench:wasm-threads [-- --rounds R --steps N --batch B]` (B: the app's default batch)
 *
 * Training-step time of the wasm backend in Debian's Chromium, one thread against threads, in one
 * run: builds the bench page (index.html here) with the app's Vite config, serves it twice — plain
 * (not cross-origin isolated: the one-thread build, as on a host without COOP/COEP) and with the
 * COOP/COEP headers (the threaded build) — and alternates the two for R rounds of N timed steps
 * each, a fresh page every time. Prints the medians, their ratio and, from one tf.profile'd step
 * per page, the share of a step spent in the app's own JavaScript host-loop kernels. Figures only.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import { serveStatic } from '../../e2e/static-server';
import { DEFAULT_TRAIN_SETTINGS } from '../../src/shared/train-protocol';
import type { BenchOutcome, BenchResult, KernelTime } from './protocol';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    steps: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    batch: { type: 'string', default: String(DEFAULT_TRAIN_SETTINGS.batchSize) },
  },
});
const rounds = Number(values.rounds);
const query = `?batch=${values.batch}&warmup=${values.warmup}&steps=${values.steps}`;

/** Our kernels that are plain JavaScript loops over the wasm heap (src/ml/kernels/*-host.ts). */
const HOST_KERNELS = new Set(['DPGroupNorm', 'DPGroupNormGrad', 'DPIm2Col', 'DPFlipFilter']);
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const f1 = (x: number) => x.toFixed(1);

const outDir = resolve('node_modules/.tmp/bench-wasm-threads');
rmSync(outDir, { recursive: true, force: true });
process.stderr.write('building the bench page…\n');
await build({
  configFile: resolve('vite.config.ts'),
  logLevel: 'warn',
  publicDir: false,
  build: {
    outDir,
    emptyOutDir: true,
    rolldownOptions: { input: resolve('bench/wasm-threads/index.html') },
  },
});

const plain = await serveStatic(outDir);
const isolated = await serveStatic(outDir, ISOLATION);
const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update'],
});

type Mode = 'one thread' | 'threads';
const results: Record<Mode, BenchResult[]> = { 'one thread': [], threads: [] };

async function once(mode: Mode): Promise<BenchResult> {
  const base = mode === 'threads' ? isolated.url : plain.url;
  const page = await browser.newPage();
  try {
    await page.goto(`${base}bench/wasm-threads/index.html${query}`);
    await page.waitForFunction(() => 'benchOutcome' in window, null, { timeout: 600_000 });
    const outcome = await page.evaluate(
      () => (window as unknown as { benchOutcome: BenchOutcome }).benchOutcome,
    );
    if (!outcome.ok) throw new Error(`${mode}: ${outcome.error}`);
    return outcome.result;
  } finally {
    await page.close();
  }
}

try {
  for (let r = 0; r < rounds; r++) {
    // Alternating which goes first spreads any drift of a shared machine over both.
    const order: Mode[] = r % 2 === 0 ? ['one thread', 'threads'] : ['threads', 'one thread'];
    for (const mode of order) {
      const result = await once(mode);
      results[mode].push(result);
      process.stderr.write(
        `round ${r + 1}/${rounds} ${mode.padEnd(10)} ${result.threads} thread(s): ` +
          `${result.stepMs.map(f1).join(' ')} ms\n`,
      );
    }
  }
} finally {
  await browser.close();
  await plain.close();
  await isolated.close();
}

function hostShare(rs: readonly BenchResult[]): { hostMs: number; kernelMs: number; wall: number } {
  const sum = (ks: readonly KernelTime[], pick: (k: KernelTime) => boolean) =>
    ks.filter(pick).reduce((s, k) => s + k.ms, 0);
  return {
    hostMs: median(rs.map((r) => sum(r.kernels, (k) => HOST_KERNELS.has(k.name)))),
    kernelMs: median(rs.map((r) => sum(r.kernels, () => true))),
    wall: median(rs.map((r) => r.profiledMs)),
  };
}

const version = execFileSync(executablePath, ['--version'], { encoding: 'utf8' }).trim();
console.log(
  `wasm training step, preset ${DEFAULT_TRAIN_SETTINGS.preset}, batch ${values.batch}: ${version}, ` +
    `${cpus().length} logical cores (${cpus()[0]?.model ?? '?'}), ` +
    `${rounds} rounds × ${values.steps} steps after ${values.warmup} warm-up`,
);
const med: Partial<Record<Mode, number>> = {};
for (const mode of ['one thread', 'threads'] as const) {
  const rs = results[mode];
  const all = rs.flatMap((r) => r.stepMs);
  const m = median(all);
  med[mode] = m;
  const first = rs[0];
  const host = hostShare(rs);
  console.log(
    `${mode.padEnd(10)}  threads ${first?.threads ?? '?'}  isolated ${String(first?.crossOriginIsolated)}` +
      `  median ${f1(m)} ms/step (${(1000 / m).toFixed(2)} steps/s, ${(Number(values.batch) * (1000 / m)).toFixed(0)} images/s)` +
      `  [min ${f1(Math.min(...all))}, max ${f1(Math.max(...all))}, n ${all.length}]`,
  );
  console.log(
    `            profiled step ${f1(host.wall)} ms: kernels ${f1(host.kernelMs)} ms, ` +
      `JS host loops ${f1(host.hostMs)} ms = ${f1((100 * host.hostMs) / host.wall)}% of the step`,
  );
  const top = new Map<string, number[]>();
  for (const r of rs)
    for (const k of r.kernels) top.set(k.name, [...(top.get(k.name) ?? []), k.ms]);
  const lines = [...top]
    .map(([name, ms]) => [name, median(ms)] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([name, ms]) => `${name} ${f1(ms)}`);
  console.log(`            top kernels (ms): ${lines.join(', ')}`);
  if (first?.note) console.log(`            note: ${first.note}`);
}
if (med['one thread'] && med.threads)
  console.log(
    `ratio (one thread / threads, medians): ${(med['one thread'] / med.threads).toFixed(2)}×`,
  );
