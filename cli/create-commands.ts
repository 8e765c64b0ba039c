/** The options of `sdedit`, `inpaint` and `interpolate` (their work is in cli/create.ts, loaded lazily). */
import { InvalidArgumentError, type Command, type Option } from 'commander';
import type { SamplerName } from '../src/ml/prediction';
import { T_MAX } from '../src/ml/schedule';
import type { NodeBackendName } from '../src/node/backends';
import { defaultResampling } from '../src/ml/repaint-schedule';
import { MAX_FRAMES, MIN_FRAMES } from '../src/shared/create-protocol';
import { samplerOption } from './sampler-option';
import { num } from './train-options';

interface CommonOpts {
  model: string;
  sampler?: SamplerName;
  steps: number;
  eta: number;
  class: number | null;
  guidance: number;
  seed: number;
  out: string;
  scale: number;
  delay: number;
  animate?: boolean;
  clip: boolean;
  backend?: NodeBackendName;
}

const digitOrAny = (value: string): number | null => (value === 'any' ? null : num(0, 9)(value));

function strengths(value: string): number[] {
  const list = value.split(',').map((s) => Number(s.trim()));
  if (list.length > 16 || list.some((s) => !(s > 0 && s <= 1)))
    throw new InvalidArgumentError(
      'give 1–16 strengths, each above 0 and at most 1 (e.g. 0.6 or 0.2,0.4,0.6,0.8,1).',
    );
  return list;
}

function common(cmd: Command, backendOption: () => Option, animate: boolean): Command {
  cmd
    .requiredOption('--model <path>', 'a model directory (with model.dpmodel) or a .dpmodel file')
    .addOption(samplerOption())
    .option('--steps <n>', 'sampling steps of a whole run (1–T)', num(1, T_MAX), 20)
    .option('--eta <x>', 'DDIM eta (0–1)', num(0, 1, false), 0)
    .option('--class <digit>', 'digit 0–9, or any', digitOrAny, null)
    .option('--guidance <s>', 'classifier-free guidance scale (0–20)', num(0, 20, false), 2)
    .option('--seed <n>', 'noise seed (0–2147483647)', num(0, 2 ** 31 - 1), 1)
    .requiredOption('--out <file.png>', 'PNG file to write')
    .option('--scale <k>', 'pixel upscaling (1–16)', num(1, 16), 1)
    .option('--delay <ms>', 'animation frame delay (10–5000 ms)', num(10, 5000), 100)
    .option('--clip', 'clip the predicted x̂0 to [−1, 1] at each step', false)
    .addOption(backendOption());
  if (animate) cmd.option('--animate', 'write an animated PNG of x_t at every step', false);
  return cmd;
}

const base = (o: CommonOpts) => ({
  model: o.model,
  ...(o.sampler === undefined ? {} : { sampler: o.sampler }),
  steps: o.steps,
  eta: o.eta,
  label: o.class,
  guidance: o.guidance,
  seed: o.seed,
  clip: o.clip,
  out: o.out,
  scale: o.scale,
  delayMs: o.delay,
  animate: o.animate ?? false,
  backend: o.backend,
});

const print = (result: object) => process.stdout.write(`${JSON.stringify(result)}\n`);

export function addCreateCommands(program: Command, backendOption: () => Option): void {
  common(
    program
      .command('sdedit')
      .description('SDEdit: noise a 28×28 PNG part of the way, then denoise it into a digit'),
    backendOption,
    true,
  )
    .requiredOption('--input <file.png>', 'a 28×28 PNG (white digit on black, or black on white)')
    .option(
      '--strength <s>',
      'how far to noise it, (0, 1]: the run keeps the last ⌊steps·s⌋ steps; a list (0.2,0.6,1) writes a strip',
      strengths,
      [0.6],
    )
    .action(async (o: CommonOpts & { input: string; strength: number[] }) => {
      const { sdeditCommand } = await import('./create');
      print(await sdeditCommand({ ...base(o), input: o.input, strengths: o.strength }));
    });

  const paper = defaultResampling(250);
  common(
    program
      .command('inpaint')
      .description('RePaint inpainting: the model fills in the masked part of a 28×28 PNG'),
    backendOption,
    true,
  )
    .requiredOption('--input <file.png>', 'a 28×28 PNG (white digit on black, or black on white)')
    .requiredOption(
      '--mask <file.png|preset>',
      'a 28×28 PNG, white where the model paints; or top, bottom, left, right (that half)',
    )
    .option(
      '--jump-length <n>',
      `steps before going back to resample (default: the paper's ${paper.jumpLength} of 250 steps, scaled to --steps)`,
      num(1, T_MAX),
    )
    .option(
      '--resample <n>',
      `times each stretch is taken, 1 = no resampling (1–20; default ${paper.jumpCount}, as the paper)`,
      num(1, 20),
      paper.jumpCount,
    )
    .action(
      async (
        o: CommonOpts & { input: string; mask: string; jumpLength?: number; resample: number },
      ) => {
        const { inpaintCommand } = await import('./create');
        print(
          await inpaintCommand({
            ...base(o),
            input: o.input,
            mask: o.mask,
            jumpLength: o.jumpLength ?? defaultResampling(o.steps).jumpLength,
            jumpCount: o.resample,
          }),
        );
      },
    );

  common(
    program
      .command('interpolate')
      .description(
        'walk between two seeds (slerp of the starting noise) or two classes (mixed class embedding), DDIM η = 0; an animated PNG',
      ),
    backendOption,
    false,
  )
    .option('--seed-b <n>', 'interpolate from --seed to this seed', num(0, 2 ** 31 - 1))
    .option('--class-b <digit>', 'interpolate from --class to this digit at --seed', num(0, 9))
    .option(`--frames <k>`, `frames (${MIN_FRAMES}–${MAX_FRAMES})`, num(MIN_FRAMES, MAX_FRAMES), 8)
    .option('--strip', 'write the frames side by side in one PNG instead of an animated PNG', false)
    .action(
      async (
        o: CommonOpts & { seedB?: number; classB?: number; frames: number; strip: boolean },
      ) => {
        const { interpolateCommand } = await import('./create');
        print(
          await interpolateCommand({
            ...base(o),
            seedB: o.seedB ?? null,
            classB: o.classB ?? null,
            frames: o.frames,
            strip: o.strip,
          }),
        );
      },
    );
}
