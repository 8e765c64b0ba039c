/**
 * The Diffusion Playground command line: `npm run cli -- <command>` or `npx diffusion-playground`.
 * Commands load their tfjs code lazily, so `--help` and argument errors answer at once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import type { SamplerName } from '../src/ml/prediction';
import type { NodeBackendName } from '../src/node/backends';
import { runMain } from '../src/node/run-main';
import { DEFAULT_MEMORY_LIMIT_MB, type TrainSettings } from '../src/shared/train-protocol';
import { T_MAX } from '../src/ml/schedule';
import { CliError, ROOT } from './common';
import { addCreateCommands } from './create-commands';
import { samplerOption } from './sampler-option';
import {
  TRAIN_KEYS,
  type TrainOpts,
  addMemoryLimitOption,
  addTrainOptions,
  num,
  trainSettingsFrom,
} from './train-options';

export { num };

function classArg(value: string): number | null {
  if (value === 'any') return null;
  return num(0, 9)(value);
}

const BACKEND_OPTION = (): Option =>
  new Option(
    '--backend <name>',
    'tfjs backend (default: webgpu through Dawn when it finds an adapter, else wasm)',
  ).choices(['webgpu', 'wasm', 'cpu']);

interface SampleOpts {
  model: string;
  sampler?: SamplerName;
  steps: number;
  eta: number;
  n: number;
  class: number | null;
  guidance: number;
  seed: number;
  out: string;
  animate: boolean;
  scale: number;
  delay: number;
  clip: boolean;
  backend?: NodeBackendName;
}

interface EvalOpts {
  model?: string;
  classifier: string;
  n: number;
  sampler?: SamplerName;
  steps: number;
  class: number | null | 'each';
  guidance: number;
  seed: number;
  clip: boolean;
  backend?: NodeBackendName;
}

interface PretrainOpts {
  out: string;
  work: string;
  steps?: number;
  evalN: number;
  backend?: NodeBackendName;
}

interface ClassifierOpts {
  steps: number;
  batch: number;
  lr: number;
  seed: number;
  out: string;
  backend: NodeBackendName | undefined;
}

function evalClassArg(value: string): number | null | 'each' {
  return value === 'each' ? 'each' : classArg(value);
}

export function buildProgram(): Command {
  const program = new Command('diffusion-playground')
    .description('Train, sample and benchmark the Diffusion Playground models from a terminal.')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  addMemoryLimitOption(
    addTrainOptions(
      program
        .command('train')
        .description('train a model on MNIST; resumes when OUT/model.dpmodel exists'),
    )
      .addOption(BACKEND_OPTION())
      .requiredOption('--out <dir>', 'output directory (model.dpmodel, card.json)'),
    DEFAULT_MEMORY_LIMIT_MB,
  )
    .option(
      '--save-every <n>',
      'also save every n steps (0: only at the end)',
      num(0, 1_000_000),
      0,
    )
    .option(
      '--data <files...>',
      'train on your own images: a zip or a folder of PNG images (labels from sub-folder names) or IDX files (images, labels; .gz too) instead of the shipped MNIST digits',
    )
    .action(async (opts: TrainOpts & { data?: string[] }, cmd: Command) => {
      const { train } = await import('./train');
      const explicit = new Set<keyof TrainSettings>();
      for (const [opt, key] of Object.entries(TRAIN_KEYS))
        if (cmd.getOptionValueSource(opt) === 'cli') explicit.add(key);
      const settings = trainSettingsFrom(opts);
      const card = await train({
        settings,
        explicit,
        backend: opts.backend,
        out: opts.out,
        saveEvery: opts.saveEvery,
        data: opts.data ? await (await import('./data')).loadDataSet(opts.data) : null,
      });
      process.stdout.write(`${JSON.stringify(card)}\n`);
    });

  program
    .command('sample')
    .description("draw digits from a model's EMA weights into a PNG grid (or an animated PNG)")
    .requiredOption(
      '--model <path>',
      'a model directory (with model.dpmodel), a .dpmodel file, or a PyTorch export (.zip)',
    )
    .addOption(samplerOption())
    .option('--steps <n>', 'sampling steps (1–T)', num(1, T_MAX), 20)
    .option('--eta <x>', 'DDIM eta (0–1)', num(0, 1, false), 0)
    .option('--n <n>', 'number of digits (1–64)', num(1, 64), 16)
    .option('--class <digit>', 'digit 0–9, or any', classArg, null)
    .option('--guidance <s>', 'classifier-free guidance scale (0–20)', num(0, 20, false), 2)
    .option('--seed <n>', 'noise seed (0–2147483647)', num(0, 2 ** 31 - 1), 1)
    .requiredOption('--out <file.png>', 'PNG file to write')
    .option('--animate', 'write an animated PNG of x_t at every step', false)
    .option('--scale <k>', 'pixel upscaling (1–16)', num(1, 16), 1)
    .option('--delay <ms>', 'animation frame delay (10–5000 ms)', num(10, 5000), 100)
    .option(
      '--clip',
      'clip the predicted x̂0 to [−1, 1] at each step (off, as in the app: with guidance it thickens strokes)',
      false,
    )
    .addOption(BACKEND_OPTION())
    .action(async (opts: SampleOpts) => {
      const { sample } = await import('./sample');
      await sample({
        model: opts.model,
        ...(opts.sampler === undefined ? {} : { sampler: opts.sampler }),
        steps: opts.steps,
        eta: opts.eta,
        n: opts.n,
        label: opts.class,
        guidance: opts.guidance,
        seed: opts.seed,
        out: opts.out,
        animate: opts.animate,
        scale: opts.scale,
        delayMs: opts.delay,
        clip: opts.clip,
        backend: opts.backend,
      });
    });

  addCreateCommands(program, BACKEND_OPTION);

  program
    .command('eval')
    .description('sample from a model and print its quality report (KID, class accuracy) as JSON')
    .argument(
      '[model]',
      'a model directory (with model.dpmodel), a .dpmodel file, or a PyTorch export (.zip)',
    )
    .option('--model <path>', 'the same as the [model] argument')
    .option(
      '--classifier <file>',
      'classifier from train-classifier',
      'public/models/classifier/classifier.dpmodel',
    )
    .option('--n <n>', 'samples to generate (2–10000)', num(2, 10_000), 200)
    .addOption(samplerOption())
    .option('--steps <n>', 'sampling steps (1–T)', num(1, T_MAX), 20)
    .option(
      '--class <digit>',
      'each (0–9 in turn, reports class accuracy), a digit 0–9, or any',
      evalClassArg,
      'each',
    )
    .option('--guidance <s>', 'classifier-free guidance scale (0–20)', num(0, 20, false), 2)
    .option('--seed <n>', 'noise seed (0–2147483647)', num(0, 2 ** 31 - 1), 1)
    .option(
      '--clip',
      'clip the predicted x̂0 to [−1, 1] at each step (off, as in the app: with guidance it thickens strokes)',
      false,
    )
    .addOption(BACKEND_OPTION())
    .action(async (model: string | undefined, opts: EvalOpts) => {
      const path = model ?? opts.model;
      if (path === undefined)
        throw new CliError(
          'eval needs a model: `eval public/models/default` or `--model <path>`',
          2,
        );
      const { evalCommand } = await import('./metrics');
      const result = await evalCommand({
        model: path,
        classifier: opts.classifier,
        n: opts.n,
        ...(opts.sampler === undefined ? {} : { sampler: opts.sampler }),
        steps: opts.steps,
        label: opts.class,
        guidance: opts.guidance,
        seed: opts.seed,
        clip: opts.clip,
        backend: opts.backend,
      });
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    });

  program
    .command('pretrain')
    .description(
      'train the default model with a fixed recipe, publish its EMA weights and its model card',
    )
    .option('--out <dir>', 'where the app loads the default model from', 'public/models/default')
    .option('--work <dir>', 'training directory with the whole state (resumable)', '.pretrain')
    .option('--steps <n>', "replace the recipe's step count (a quick try)", num(1, 1_000_000))
    .option(
      '--eval-n <n>',
      "samples scored for the card's metrics (10–10000)",
      num(10, 10_000),
      500,
    )
    .addOption(BACKEND_OPTION())
    .action(async (opts: PretrainOpts) => {
      const { pretrain } = await import('./pretrain');
      const card = await pretrain({
        work: opts.work,
        out: opts.out,
        steps: opts.steps,
        evalN: opts.evalN,
        backend: opts.backend,
      });
      process.stdout.write(`${JSON.stringify(card, null, 2)}\n`);
    });

  program
    .command('train-classifier')
    .description('train the MNIST classifier that eval scores samples with')
    .option('--steps <n>', 'training steps (1–100000)', num(1, 100_000), 1500)
    .option('--batch <n>', 'batch size (1–1024)', num(1, 1024), 64)
    .option('--lr <x>', 'peak learning rate (1e-6–0.1)', num(1e-6, 0.1, false), 2e-3)
    .option('--seed <n>', 'seed (0–2147483647)', num(0, 2 ** 31 - 1), 1)
    .option(
      '--out <file>',
      'classifier file to write',
      'public/models/classifier/classifier.dpmodel',
    )
    .addOption(BACKEND_OPTION())
    .action(async (opts: ClassifierOpts) => {
      const { trainClassifierCommand } = await import('./metrics');
      const result = await trainClassifierCommand(opts);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });

  program
    .command('bench')
    .description('run bench/bench.ts with the remaining arguments (try: bench --help)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]')
    .action((args: string[]) => {
      const script = join(ROOT, 'bench', 'bench.ts');
      if (!existsSync(script)) throw new CliError(`${script} not found`);
      // process.execArgv carries tsx's loader (tsx and cli/bin.mjs both start node with it).
      const child = spawnSync(process.execPath, [...process.execArgv, script, ...args], {
        stdio: 'inherit',
      });
      if (child.error) throw child.error;
      process.exitCode = child.status ?? 1;
    });

  return program;
}

async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    process.exit(2);
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(error.exitCode);
    }
    throw error;
  }
}

runMain(() => main(process.argv.slice(2)), 'error: ');
