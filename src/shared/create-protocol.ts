/**
 * Messages of the Create tab (page ⇄ worker): SDEdit, inpainting and interpolation runs. They
 * stream through the sampling job, so play / pause / step / cancel are the `sample/*` messages
 * with the same runId, and frames arrive as `sample/frame`.
 */
import type { GrayFrame } from './protocol';
import type { SampleSettings } from './sample-protocol';

export type CreateTask =
  /** Noise the image to the step that leaves n·strength of the run's n steps, then denoise. */
  | { readonly kind: 'sdedit'; readonly image: Uint8Array; readonly strength: number }
  /** `mask`: 1 where the model paints (erased), 0 where the image is kept; 28×28 each. */
  | {
      readonly kind: 'inpaint';
      readonly image: Uint8Array;
      readonly mask: Uint8Array;
      readonly jumpLength: number;
      readonly jumpCount: number;
    }
  /** From the settings' seed to seedB, in `frames` frames (DDIM η = 0). */
  | { readonly kind: 'interpolate-seeds'; readonly seedB: number; readonly frames: number }
  /** At the settings' seed, from classA's embedding to classB's (DDIM η = 0). */
  | {
      readonly kind: 'interpolate-classes';
      readonly classA: number;
      readonly classB: number;
      readonly frames: number;
    };

export type CreateToWorker =
  | {
      readonly type: 'create/start';
      readonly runId: number;
      readonly settings: SampleSettings;
      readonly task: CreateTask;
      readonly play: boolean;
    }
  /** SDEdit of one image at several strengths from one seed, each run to the end. */
  | {
      readonly type: 'create/strengths';
      readonly runId: number;
      readonly settings: SampleSettings;
      readonly image: Uint8Array;
      readonly strengths: readonly number[];
    };

export type CreateFromWorker = {
  readonly type: 'create/strength';
  readonly runId: number;
  readonly index: number;
  readonly strength: number;
  /** The finished 28×28 image. */
  readonly frame: GrayFrame;
};

/** Interpolation strips have 2–64 frames; the Create tab suggests 8. */
export const MIN_FRAMES = 2;
export const MAX_FRAMES = 64;
