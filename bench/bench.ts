/**
 * `npm run bench [-- --quick] [-- --backends webgpu,wasm,cpu] [-- --json] [-- --suites conv,train]`
 *
 * Per backend that starts: (a) conv filter-gradient, stock vs the im2col variants of
 * src/ml/conv2d.ts; (b) training steps/s, memory and DDIM sampling of the UNet presets
 * (bench/train-bench.ts). Figures only, no thresholds. Progress goes to stderr, tables (or, with
 * --json, one JSON object) to stdout. Runs vary between processes: compare within one run.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import {
  BackendUnavailableError,
  NODE_BACKENDS,
  type NodeBackendName,
  reexecWithDawnEnv,
  setupNodeBackend,
} from '../src/node/backends';
import { FILTER_GRAD_VARIANTS, type FilterGradVariant } from '../src/ml/conv2d';
import { type ConvRecord, convNotes, formatConvTable, runConvBench } from './conv-bench';
import type { MeasureOptions } from './timing';
import { type KernelsRecord, formatKernelsTable, runKernelsBench } from './kernels-bench';
import { type TrainRecord, formatTrainTable, runTrainBench } from './train-bench';
import { runMain } from '../src/node/run-main';

const USAGE = `usage: npm run bench -- [options]
  --backends LIST   comma-separated, from webgpu,wasm,cpu (default: all three)
  --suites LIST     conv,train,kernels (default: all three)
  --quick           batch 8 only, fewer runs, tiny preset only
  --json            print one JSON object instead of tables
  --json-file PATH  print the tables and also write that JSON object to PATH
  --max-call-s S    skip a conv call predicted to take longer (default 3 with --quick, else 8)
  --max-step-s S    skip a train step predicted to take longer (default 15 with --quick, else 30)
  --filter-grad V   filter-gradient variant for training (default: the app's choice per
                    backend, src/ml/train/from-settings.ts)
  --memory-limit MB tensor memory per training step, as the app's setting (default 512):
                    bigger batches run as summed micro-batches; 65536 = never split
  --help`;

type Suite = 'conv' | 'train' | 'kernels';

interface Args {
  readonly backends: NodeBackendName[];
  readonly suites: Suite[];
  readonly quick: boolean;
  readonly json: boolean;
  readonly jsonFile?: string;
  readonly maxCallMs: number;
  readonly maxStepMs: number;
  readonly filterGrad?: FilterGradVariant;
  readonly memoryLimitMB: number;
}

function list<T extends string>(raw: string, allowed: readonly T[], what: string): T[] {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) {
      throw new Error(`unknown ${what} '${item}' (choose from ${allowed.join(', ')})`);
    }
  }
  return items as T[];
}

function parse(): Args | null {
  const { values } = parseArgs({
    options: {
      backends: { type: 'string', default: NODE_BACKENDS.join(',') },
      suites: { type: 'string', default: 'conv,train,kernels' },
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'json-file': { type: 'string' },
      'max-call-s': { type: 'string' },
      'max-step-s': { type: 'string' },
      'filter-grad': { type: 'string' },
      'memory-limit': { type: 'string', default: '512' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return null;
  const maxCallS = Number(values['max-call-s'] ?? (values.quick ? 3 : 8));
  const maxStepS = Number(values['max-step-s'] ?? (values.quick ? 15 : 30));
  if (!(maxCallS > 0)) throw new Error(`--max-call-s must be a positive number`);
  if (!(maxStepS > 0)) throw new Error(`--max-step-s must be a positive number`);
  const memoryLimitMB = Number(values['memory-limit']);
  if (!(memoryLimitMB >= 64)) throw new Error(`--memory-limit must be a number ≥ 64 (MB)`);
  const [filterGrad] =
    values['filter-grad'] === undefined
      ? []
      : list(values['filter-grad'], FILTER_GRAD_VARIANTS, 'filter-grad variant');
  return {
    backends: list(values.backends, NODE_BACKENDS, 'backend'),
    suites: list(values.suites, ['conv', 'train', 'kernels'] as const, 'suite'),
    quick: values.quick,
    json: values.json,
    ...(values['json-file'] === undefined ? {} : { jsonFile: values['json-file'] }),
    maxCallMs: maxCallS * 1000,
    maxStepMs: maxStepS * 1000,
    memoryLimitMB,
    ...(filterGrad === undefined ? {} : { filterGrad }),
  };
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const fmtLoad = (): string => (loadavg()[0] ?? NaN).toFixed(1);

interface BackendResult {
  readonly backend: NodeBackendName;
  readonly status: 'ok' | 'unavailable';
  readonly reason?: string;
  readonly adapterInfo?: string;
  readonly setupMs?: number;
  conv?: ConvRecord[];
  train?: TrainRecord[];
  kernels?: KernelsRecord;
}

async function main(): Promise<void> {
  let args: Args | null;
  try {
    args = parse();
  } catch (error) {
    log(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
  if (!args) {
    log(USAGE);
    return;
  }
  // Dawn reads LD_LIBRARY_PATH only at process start: restart with it set (src/node/backends.ts).
  if (args.backends.includes('webgpu')) reexecWithDawnEnv();

  const measureOpts: MeasureOptions = args.quick
    ? { warmup: 1, minRuns: 2, maxRuns: 10, budgetMs: 300 }
    : { warmup: 1, minRuns: 3, maxRuns: 30, budgetMs: 1000 };
  const batches = args.quick ? [8] : [8, 64];
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    // Shared machines: a 1-minute load average above the core count means other work competed.
    loadAtStart: loadavg()[0] ?? NaN,
  };
  log(`machine: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}, load ${fmtLoad()}`);

  const results: BackendResult[] = [];
  for (const backend of args.backends) {
    const t0 = performance.now();
    let setup: Awaited<ReturnType<typeof setupNodeBackend>>;
    try {
      setup = await setupNodeBackend(backend);
    } catch (error) {
      const reason =
        error instanceof BackendUnavailableError
          ? error.message
          : error instanceof Error
            ? error.message
            : String(error);
      log(`${backend}: unavailable (${reason})`);
      results.push({ backend, status: 'unavailable', reason });
      continue;
    }
    const setupMs = performance.now() - t0;
    const { tf } = setup;
    log(
      `${backend}: started in ${setupMs.toFixed(0)} ms` +
        (setup.adapterInfo ? `, adapter: ${setup.adapterInfo}` : ''),
    );
    const result: BackendResult = {
      backend,
      status: 'ok',
      setupMs,
      ...(setup.adapterInfo ? { adapterInfo: setup.adapterInfo } : {}),
    };
    results.push(result);
    if (args.suites.includes('conv')) {
      result.conv = await runConvBench(tf, backend, {
        batches,
        measure: measureOpts,
        skipAboveMs: args.maxCallMs,
        log,
      });
    }
    if (args.suites.includes('train')) {
      result.train = await runTrainBench(tf, backend, {
        quick: args.quick,
        skipAboveMs: args.maxStepMs,
        memoryLimitMB: args.memoryLimitMB,
        log,
        ...(args.filterGrad === undefined ? {} : { filterGrad: args.filterGrad }),
      });
    }
    if (args.suites.includes('kernels')) {
      // SwiftShader runs a tiny step in tens of seconds: one pair there, ten elsewhere.
      const slow = /swiftshader/i.test(setup.adapterInfo ?? '');
      const pairs = slow ? 1 : args.quick ? 5 : 10;
      result.kernels = await runKernelsBench(tf, backend, { batch: 8, pairs, log });
    }
  }

  const loadAtEnd = loadavg()[0] ?? NaN;
  const json = `${JSON.stringify(
    {
      machine: { ...machine, loadAtEnd },
      quick: args.quick,
      measure: measureOpts,
      maxCallMs: args.maxCallMs,
      maxStepMs: args.maxStepMs,
      batches,
      results,
    },
    null,
    2,
  )}\n`;
  if (args.jsonFile) writeFileSync(args.jsonFile, json);
  if (args.json) {
    process.stdout.write(json);
    return;
  }
  const lines: string[] = [
    '',
    `machine: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}` +
      `${args.quick ? ' (--quick)' : ''}; 1-min load average ${machine.loadAtStart.toFixed(1)}` +
      ` at start, ${loadAtEnd.toFixed(1)} at end`,
  ];
  for (const r of results) {
    lines.push('');
    if (r.status === 'unavailable') {
      lines.push(`${r.backend}: unavailable (${r.reason ?? 'unknown'})`);
      continue;
    }
    lines.push(`== ${r.backend}${r.adapterInfo ? ` — adapter: ${r.adapterInfo}` : ''}`);
    if (r.conv) {
      lines.push(
        '',
        'conv2d filter gradient, 3×3 same, median wall ms synced by data();' +
          ' (n×) = stock ms ÷ variant ms',
        formatConvTable(r.conv),
        ...convNotes(r.conv).map((n) => `  note: ${n}`),
      );
    }
    if (r.train) lines.push('', formatTrainTable(r.train));
    if (r.kernels) lines.push('', formatKernelsTable(r.kernels));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

runMain(main);
