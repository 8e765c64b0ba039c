/**
 * SDEdit (image to image): noise an image part of the way with the forward process, then let the
 * reverse process finish it. Little strength keeps the drawing, full strength ignores it.
 */
import type { SampleOptions } from './sample';

/**
 * The first step of a run with `steps` steps at strength s, as diffusers' img2img `get_timesteps`:
 * the run keeps the last ⌊n·s⌋ steps. s = 1 is plain sampling; a strength too small for one step
 * leaves the image as it is.
 */
export function sdeditStartIndex(steps: number, strength: number): number {
  if (!Number.isInteger(steps) || steps < 1)
    throw new RangeError(`steps must be a positive integer, got ${steps}`);
  if (!(strength > 0 && strength <= 1))
    throw new RangeError(`strength must be in (0, 1], got ${strength}`);
  return steps - Math.min(Math.floor(steps * strength), steps);
}

/** Sampling options that start from `image` (model range, one per sample) at strength s. */
export function sdeditOptions(
  opts: SampleOptions,
  image: Float32Array,
  strength: number,
): SampleOptions {
  const index = sdeditStartIndex(opts.sampler.steps, strength);
  return { ...opts, start: { kind: 'image', x0: image, index } };
}
