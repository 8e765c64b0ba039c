/**
 * `npm run bench [-- --quick] [-- --backends webgpu,wasm,cpu] [-- --json] [-- --suites conv,train]`
 * `npm run bench -- --suites time-to-digits --backends wasm [--seconds N --every K --torch]`
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
import { type TtdRun, formatTtdTable, runTimeToDigits } from './time-to-digits';
import { runTwin, ratioLine } from './torch-twin';
import { DEFAULT_TRAIN_SETTINGS, type TrainSettings } from '../src/shared/train-protocol';
import { runMain } from '../src/node/run-main';

const USAGE = `usage: npm run bench -- [options]
  --backends LIST   comma-separated, from webgpu,wasm,cpu (default: all three)
  --suites LIST     conv,train,kernels,time-to-digits (default: conv,train,kernels)
  --quick           batch 8 only, fewer runs, tiny preset only
  --json            print one JSON object instead of tables
  --json-file PATH  print the tables and also write that JSON object to PATH
  --max-call-s S    skip a conv call predicted to take longer (default 3 with --quick, else 8)
  --max-step-s S    skip a train step predicted to take longer (default 15 with --quick, else 30)
  --filter-grad V   filter-gradient variant for training (default: the app's choice per
                    backend, src/ml/train/from-settings.ts)
  --memory-limit MB tensor memory per training step, as the app's setting (default 512):
                    bigger batches run as summed micro-batches; 65536 = never split
  time-to-digits (trains a new model with the app's default recipe, scores 100 DDIM-20
  guidance-2 samples with the shipped classifier every K training seconds):
  --seconds N       training seconds (default 600)
  --every K         score every K training seconds (default 30)
  --recipe JSON     settings over the default, e.g. '{"batchSize":8,"learningRate":0.004}'
  --torch           then run the PyTorch twin (bench/torch/time_to_digits.py, python3 with
                    torch) on this CPU with the same recipe and checkpoints, score its samples
                    with the same classifier and print the ratio of times to 80%
  --torch-threads N torch.set_num_threads for the twin (default: torch's own choice)
  --help`;

const SUITES = ['conv', 'train', 'kernels', 'time-to-digits'] as const;
type Suite = (typeof SUITES)[number];

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
  readonly seconds: number;
  readonly every: number;
  readonly recipe: TrainSettings;
  readonly torch: boolean;
  readonly torchThreads?: number;
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
      seconds: { type: 'string', default: '600' },
      every: { type: 'string', default: '30' },
      recipe: { type: 'string' },
      torch: { type: 'boolean', default: false },
      'torch-threads': { type: 'string' },
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
  const seconds = Number(values.seconds);
  const every = Number(values.every);
  if (!(seconds > 0)) throw new Error('--seconds must be a positive number');
  if (!(every > 0)) throw new Error('--every must be a positive number');
  const recipe: TrainSettings = {
    ...DEFAULT_TRAIN_SETTINGS,
    ...(values.recipe === undefined ? {} : (JSON.parse(values.recipe) as Partial<TrainSettings>)),
  };
  const torchThreads =
    values['torch-threads'] === undefined ? undefined : Number(values['torch-threads']);
  if (torchThreads !== undefined && !(Number.isInteger(torchThreads) && torchThreads >= 1))
    throw new Error('--torch-threads must be a whole number ≥ 1');
  const [filterGrad] =
    values['filter-grad'] === undefined
      ? []
      : list(values['filter-grad'], FILTER_GRAD_VARIANTS, 'filter-grad variant');
  return {
    backends: list(values.backends, NODE_BACKENDS, 'backend'),
    suites: list(values.suites, SUITES, 'suite'),
    quick: values.quick,
    json: values.json,
    ...(values['json-file'] === undefined ? {} : { jsonFile: values['json-file'] }),
    maxCallMs: maxCallS * 1000,
    maxStepMs: maxStepS * 1000,
    memoryLimitMB,
    seconds,
    every,
    recipe,
    torch: values.torch,
    ...(torchThreads === undefined ? {} : { torchThreads }),
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
  timeToDigits?: TtdRun;
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
    if (args.suites.includes('time-to-digits')) {
      result.timeToDigits = await runTimeToDigits({
        backend,
        settings: args.recipe,
        seconds: args.seconds,
        every: args.every,
        log,
      });
    }
  }
  // After every tfjs run, so the twin never shares the CPU with one.
  const twin =
    args.suites.includes('time-to-digits') && args.torch
      ? await runTwin({
          settings: args.recipe,
          seconds: args.seconds,
          every: args.every,
          log,
          ...(args.torchThreads === undefined ? {} : { threads: args.torchThreads }),
        })
      : undefined;

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
      ...(twin === undefined ? {} : { torchTwin: twin }),
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
    if (r.timeToDigits) lines.push('', formatTtdTable(r.timeToDigits));
  }
  if (twin) {
    lines.push('', formatTtdTable(twin));
    for (const r of results) if (r.timeToDigits) lines.push(ratioLine(r.timeToDigits, twin));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

runMain(main);
