/**
 * `sdedit`, `inpaint` and `interpolate`: the Create tab's runs from a terminal, through the very
 * steppers the app's worker builds (src/worker/create-job.ts), written as PNG or animated PNG.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import UPNG from 'upng-js';
import { cropTile, hstackImages, tileGrid, type GridImage } from '../src/ml/grid';
import type { SamplerName } from '../src/ml/prediction';
import { runToEnd, type Stepper } from '../src/ml/sample';
import type { NodeBackendName } from '../src/node/backends';
import type { CreateTask } from '../src/shared/create-protocol';
import { isMaskPreset, presetMask } from '../src/shared/masks';
import { IMAGE_SIZE } from '../src/shared/protocol';
import { DEFAULT_SAMPLE_SETTINGS, type SampleSettings } from '../src/shared/sample-protocol';
import { encodeApng } from '../src/worker/apng';
import { CreateInputError, createStepper, strengthSteppers } from '../src/worker/create-job';
import { toDigit } from '../src/worker/image-decode';
import type { SamplingModel } from '../src/worker/sample-job';
import { CliError, describeBackend, log } from './common';
import { openSamplingModel, type SamplingModelFile } from './model';
import { encodePng } from './sample';
import { pickSampler } from './sampler-option';

export interface CreateArgs {
  readonly model: string;
  /** Absent: the model's deterministic sampler (DDIM, or Euler for flow matching). */
  readonly sampler?: SamplerName;
  readonly steps: number;
  readonly eta: number;
  /** null: any digit. */
  readonly label: number | null;
  readonly guidance: number;
  readonly seed: number;
  readonly clip: boolean;
  readonly out: string;
  readonly scale: number;
  readonly delayMs: number;
  /** An animated PNG of x_t at every step (sdedit, inpaint). */
  readonly animate: boolean;
  readonly backend: NodeBackendName | undefined;
}

/** The Create tab's settings: its sampler with trailing spacing and fixed-small DDPM variance. */
function settingsOf(args: CreateArgs, model: SamplingModel): SampleSettings {
  return {
    ...DEFAULT_SAMPLE_SETTINGS,
    count: 1,
    seed: args.seed,
    label: args.label,
    guidance: args.guidance,
    sampler: pickSampler(model.prediction, args.sampler),
    steps: args.steps,
    eta: args.eta,
    clip: args.clip,
  };
}

/** A 28×28 PNG as RGBA, with a clear message for a missing file, another format or another size. */
function readPng(file: string, what: string): Uint8ClampedArray {
  const path = resolve(file);
  if (!existsSync(path)) throw new CliError(`${what} not found: ${file}`);
  let image: UPNG.Image;
  try {
    // A small file's Buffer is a view into Node's shared pool: decode only its own bytes.
    const bytes = readFileSync(path);
    image = UPNG.decode(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    );
  } catch (error) {
    throw new CliError(
      `${file} is not a PNG image (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (image.width !== IMAGE_SIZE || image.height !== IMAGE_SIZE)
    throw new CliError(
      `${file} is ${image.width}×${image.height} pixels: the ${what} must be 28×28, as MNIST digits are`,
    );
  const rgba = UPNG.toRGBA8(image)[0];
  if (!rgba) throw new CliError(`${file} has no image data`);
  return new Uint8ClampedArray(rgba);
}

/** The digit: grayscale, inverted when the background is light (as the app's upload does). */
export function readDigit(file: string): Uint8Array {
  return toDigit(readPng(file, 'input image'));
}

/** A preset (top, bottom, left, right) or a PNG: white marks what the model paints. */
export function readMask(spec: string): Uint8Array {
  if (isMaskPreset(spec)) return presetMask(spec);
  const rgba = readPng(spec, 'mask');
  const mask = new Uint8Array(IMAGE_SIZE * IMAGE_SIZE);
  for (let i = 0; i < mask.length; i++) {
    const lum = 0.299 * rgba[4 * i]! + 0.587 * rgba[4 * i + 1]! + 0.114 * rgba[4 * i + 2]!;
    mask[i] = lum >= 128 ? 1 : 0;
  }
  if (!mask.some((m) => m === 1))
    throw new CliError(
      `${spec} is an empty mask: paint the part to fill in white (everything black keeps the whole image)`,
    );
  return mask;
}

function samplingModel(m: SamplingModelFile): SamplingModel {
  return { denoise: m.denoise, schedule: m.schedule, prediction: m.prediction, step: m.meta.step };
}

/** Turns the worker's refusals into CLI errors. */
function built<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof CreateInputError || error instanceof RangeError)
      throw new CliError(error.message);
    throw error;
  }
}

/** Runs to the end; returns the final grid and, when asked, x_t after every step. */
async function finish(
  stepper: Stepper,
  columns: number,
  animate: boolean,
): Promise<{ final: GridImage; frames: GridImage[] }> {
  const grid = (x: Float32Array) => tileGrid(x, IMAGE_SIZE, columns);
  const frames: GridImage[] = [];
  if (animate) frames.push(grid((await stepper.current.data()) as Float32Array));
  const final = await runToEnd(stepper, async (s) => {
    if (animate) frames.push(grid((await s.x.data()) as Float32Array));
  });
  return { final: grid(final), frames };
}

function write(args: CreateArgs, image: GridImage | GridImage[]): { file: string; frames: number } {
  const file = resolve(args.out);
  const animated = Array.isArray(image);
  const bytes = animated
    ? encodeApng(image, args.scale, args.delayMs)
    : encodePng(image, args.scale);
  writeFileSync(file, bytes);
  const first = animated ? image[0]! : image;
  const frames = animated ? image.length : 1;
  log(
    `wrote ${file} (${first.width * args.scale}×${first.height * args.scale}${animated ? `, ${frames} frames` : ''})`,
  );
  return { file, frames };
}

async function withModel<T>(
  args: CreateArgs,
  what: string,
  work: (model: SamplingModel) => Promise<T>,
): Promise<T> {
  const m = await openSamplingModel(args.model, args.steps, args.backend);
  try {
    const kind = pickSampler(m.prediction, args.sampler);
    log(
      `${what} with ${m.path} (step ${m.meta.step}), ${kind} ${args.steps} steps, ` +
        `${args.label === null ? 'any digit' : `digit ${args.label}`}, seed ${args.seed} on ${describeBackend(m.backend)}`,
    );
    return await work(samplingModel(m));
  } finally {
    m.dispose();
  }
}

export interface SdeditArgs extends CreateArgs {
  readonly input: string;
  /** One strength, or several for a strip of results side by side. */
  readonly strengths: readonly number[];
}

export async function sdeditCommand(args: SdeditArgs): Promise<{ file: string; frames: number }> {
  const image = readDigit(args.input);
  if (args.strengths.length > 1 && args.animate)
    throw new CliError('--animate takes one --strength (several make a strip)');
  return withModel(
    args,
    `SDEdit of ${args.input} at strength ${args.strengths.join(', ')}`,
    async (model) => {
      const settings = settingsOf(args, model);
      if (args.strengths.length === 1) {
        const task: CreateTask = { kind: 'sdedit', image, strength: args.strengths[0]! };
        const { stepper, columns } = built(() => createStepper(model, settings, task));
        const { final, frames } = await finish(stepper, columns, args.animate);
        return write(args, args.animate ? frames : final);
      }
      const makers = built(() => strengthSteppers(model, settings, image, args.strengths));
      const results: GridImage[] = [];
      for (const make of makers) results.push((await finish(make(), 1, false)).final);
      return write(args, hstackImages(results));
    },
  );
}

export interface InpaintArgs extends CreateArgs {
  readonly input: string;
  readonly mask: string;
  readonly jumpLength: number;
  readonly jumpCount: number;
}

export async function inpaintCommand(args: InpaintArgs): Promise<{ file: string; frames: number }> {
  const image = readDigit(args.input);
  const mask = readMask(args.mask);
  return withModel(
    args,
    `inpainting ${args.input} under ${args.mask} (jump length ${args.jumpLength}, ${args.jumpCount} resamplings)`,
    async (model) => {
      const task: CreateTask = {
        kind: 'inpaint',
        image,
        mask,
        jumpLength: args.jumpLength,
        jumpCount: args.jumpCount,
      };
      const { stepper, columns } = built(() => createStepper(model, settingsOf(args, model), task));
      const { final, frames } = await finish(stepper, columns, args.animate);
      return write(args, args.animate ? frames : final);
    },
  );
}

export interface InterpolateArgs extends CreateArgs {
  /** To this seed's noise (from --seed's), or, when null, to classB at --seed. */
  readonly seedB: number | null;
  readonly classB: number | null;
  readonly frames: number;
  /** A PNG strip of the frames instead of an animated PNG. */
  readonly strip: boolean;
}

export async function interpolateCommand(
  args: InterpolateArgs,
): Promise<{ file: string; frames: number }> {
  if ((args.seedB === null) === (args.classB === null))
    throw new CliError(
      'interpolate needs exactly one of --seed-b (between seeds) or --class-b (between classes)',
    );
  if (args.classB !== null && args.label === null)
    throw new CliError('between classes, --class gives the first class and --class-b the second');
  const task: CreateTask =
    args.classB !== null
      ? {
          kind: 'interpolate-classes',
          classA: args.label!,
          classB: args.classB,
          frames: args.frames,
        }
      : { kind: 'interpolate-seeds', seedB: args.seedB!, frames: args.frames };
  const what =
    task.kind === 'interpolate-classes'
      ? `interpolating from digit ${task.classA} to ${task.classB}`
      : `interpolating from seed ${args.seed} to ${task.seedB}`;
  return withModel(
    args,
    `${what} in ${args.frames} frames (deterministic: DDIM η = 0, or Euler for flow matching)`,
    async (model) => {
      const { stepper, columns } = built(() => createStepper(model, settingsOf(args, model), task));
      const { final } = await finish(stepper, columns, false);
      if (args.strip) return write(args, final);
      // One frame per interpolation step: the strip cut into its tiles.
      const tiles = Array.from({ length: args.frames }, (_, k) =>
        cropTile(final, k, IMAGE_SIZE, columns),
      );
      return write(args, tiles);
    },
  );
}
