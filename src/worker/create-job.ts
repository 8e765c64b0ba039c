/**
 * The Create tab's runs as steppers for the sampling job: SDEdit from an image, RePaint
 * inpainting under a mask, and interpolation between seeds or classes. Input is checked here, at
 * the worker's boundary, and refused in words a learner can act on.
 */
import { modelToPixels, pixelsToModel } from '../ml/forward';
import { deterministicSampler, samplerRefusal } from '../ml/prediction';
import { classInterpolation, seedInterpolation } from '../ml/interpolate';
import { Inpainting } from '../ml/repaint';
import { ReverseProcess, type SampleOptions, type Stepper } from '../ml/sample';
import { sdeditOptions, sdeditStartIndex } from '../ml/sdedit';
import type { CreateTask, CreateToWorker } from '../shared/create-protocol';
import { CREATE_LIMITS } from '../shared/create-link-fields';
import { IMAGE_PIXELS, IMAGE_SIZE, type FromWorker } from '../shared/protocol';
import type { SampleSettings } from '../shared/sample-protocol';
import { sampleOptions, type Built, type SampleJob, type SamplingModel } from './sample-job';

/** Bad input to a Create run; its message is shown as it is. */
export class CreateInputError extends Error {}

function checkImage(image: Uint8Array, what: string): Float32Array {
  if (image.length !== IMAGE_PIXELS)
    throw new CreateInputError(
      `The ${what} must be 28×28 (${IMAGE_PIXELS} pixels); it has ${image.length}.`,
    );
  return pixelsToModel(image);
}

function checkStrength(strength: number, steps: number): void {
  if (!(strength > 0 && strength <= 1))
    throw new CreateInputError(`Strength must be above 0 and at most 1; got ${strength}.`);
  if (sdeditStartIndex(steps, strength) === steps)
    throw new CreateInputError(
      `At strength ${strength} a ${steps}-step run keeps no step (⌊${steps}·${strength}⌋ = 0): raise the strength or the steps.`,
    );
}

/** A whole-number setting inside the range the form and the shared link use. */
function checkWhole(value: number, range: { min: number; max: number }, label: string): void {
  if (!Number.isInteger(value) || value < range.min || value > range.max)
    throw new CreateInputError(
      `${label} must be a whole number from ${range.min} to ${range.max}; got ${value}.`,
    );
}

function checkFrames(frames: number): void {
  checkWhole(frames, CREATE_LIMITS.frames, 'Frames');
}

/** One image, or `count` of them, with the settings' sampler, class and guidance. */
function optionsFor(model: SamplingModel, settings: SampleSettings, count: number): SampleOptions {
  if (settings.steps > model.schedule.T)
    throw new CreateInputError(
      `This model has T = ${model.schedule.T}: use at most ${model.schedule.T} steps.`,
    );
  const refusal = samplerRefusal(model.prediction, settings.sampler);
  if (refusal) throw new CreateInputError(refusal);
  return sampleOptions({ ...settings, count }, model.prediction);
}

/**
 * Interpolation walks a deterministic path whatever the form says: DDIM with η = 0, or Euler for
 * a flow-matching model (its ODE is deterministic too).
 */
const deterministic = (s: SampleSettings, model: SamplingModel): SampleSettings => ({
  ...s,
  sampler: deterministicSampler(model.prediction),
  eta: 0,
});

export function createStepper(
  model: SamplingModel,
  settings: SampleSettings,
  task: CreateTask,
): Built {
  const run = (opts: SampleOptions) => new ReverseProcess(model.denoise, model.schedule, opts);
  switch (task.kind) {
    case 'sdedit': {
      const image = checkImage(task.image, 'image');
      checkStrength(task.strength, settings.steps);
      const opts = sdeditOptions(optionsFor(model, settings, 1), image, task.strength);
      const stepper = run(opts);
      // First shown: the drawing noised to t0, beside the drawing itself.
      const level = stepper.level;
      return {
        stepper,
        columns: 1,
        start: { index: level - 1, t: stepper.levelT(level), x0: image },
      };
    }
    case 'inpaint': {
      const image = checkImage(task.image, 'image');
      if (task.mask.length !== IMAGE_PIXELS)
        throw new CreateInputError(
          `The mask must be 28×28 (${IMAGE_PIXELS} pixels); it has ${task.mask.length}.`,
        );
      if (!task.mask.some((m) => m !== 0))
        throw new CreateInputError(
          'The mask is empty: paint over the part the model should fill in, or pick a preset.',
        );
      if (!Number.isInteger(task.jumpLength) || task.jumpLength < 1)
        throw new CreateInputError(`Jump length must be a whole number of steps, at least 1.`);
      checkWhole(task.jumpCount, CREATE_LIMITS.jumpCount, 'Resample count');
      const known = Float32Array.from(task.mask, (m) => (m === 0 ? 1 : 0));
      const stepper = new Inpainting(
        model.denoise,
        model.schedule,
        optionsFor(model, settings, 1),
        image,
        known,
        { jumpLength: task.jumpLength, jumpCount: task.jumpCount },
      );
      // First shown: pure noise, beside what is kept of the image (the erased part black).
      const kept = image.map((v, i) => (known[i] === 1 ? v : -1));
      return { stepper, columns: 1, start: { index: -1, t: stepper.startT, x0: kept } };
    }
    case 'interpolate-seeds': {
      checkFrames(task.frames);
      const opts = optionsFor(model, deterministic(settings, model), 1);
      const walk = seedInterpolation(opts, settings.seed, task.seedB, task.frames);
      return { stepper: run(walk), columns: task.frames };
    }
    case 'interpolate-classes': {
      checkFrames(task.frames);
      for (const c of [task.classA, task.classB])
        if (!Number.isInteger(c) || c < 0 || c > 9)
          throw new CreateInputError(`Classes are digits 0–9; got ${c}.`);
      const opts = optionsFor(model, deterministic(settings, model), 1);
      const walk = classInterpolation(opts, task.classA, task.classB, task.frames);
      return { stepper: run(walk), columns: task.frames };
    }
    default: {
      const never: never = task;
      throw new Error(`unknown create task ${JSON.stringify(never)}`);
    }
  }
}

/** SDEdit of one image at each strength, all from the settings' seed. */
export function strengthSteppers(
  model: SamplingModel,
  settings: SampleSettings,
  image: Uint8Array,
  strengths: readonly number[],
): (() => Stepper)[] {
  const x = checkImage(image, 'image');
  if (strengths.length < 1 || strengths.length > 16)
    throw new CreateInputError('Give 1 to 16 strengths.');
  for (const s of strengths) checkStrength(s, settings.steps);
  const opts = optionsFor(model, settings, 1);
  return strengths.map(
    (s) => () => new ReverseProcess(model.denoise, model.schedule, sdeditOptions(opts, x, s)),
  );
}

/** The strengths strip: each finished SDEdit goes to the page as its own 28×28 frame. */
export function runStrengths(
  job: SampleJob,
  post: (message: FromWorker, transfer?: Transferable[]) => void,
  m: Extract<CreateToWorker, { type: 'create/strengths' }>,
): Promise<void> {
  return job.runEach(
    m.runId,
    (model) => strengthSteppers(model, m.settings, m.image, m.strengths),
    (index, x) => {
      const pixels = modelToPixels(x);
      const frame = { width: IMAGE_SIZE, height: IMAGE_SIZE, pixels };
      const strength = m.strengths[index] ?? 0;
      post({ type: 'create/strength', runId: m.runId, index, strength, frame }, [pixels.buffer]);
    },
  );
}
