/**
 * UNet sizes for 28×28×1 MNIST. Three resolutions (28, 14, 7); the numbers are chosen so one
 * training step stays interactive on a laptop GPU, not for best sample quality.
 */
import type { Prediction } from '../samplers';

export type { Prediction };

export type Preset = 'micro' | 'tiny' | 'small';
export const PRESET_NAMES: readonly Preset[] = ['micro', 'tiny', 'small'];

/** Extra label id for "no label": classifier-free guidance trains and samples with it. */
export const NULL_LABEL = 10;
export const IMAGE_SIZE = 28;

export interface UNetConfig {
  /** 'custom' for hand-made configs (tests, experiments); informative only. */
  readonly preset: Preset | 'custom';
  /** Output channels per resolution 28, 14, 7; exactly three. */
  readonly channels: readonly number[];
  readonly blocksPerLevel: number;
  /** Width of the time (+ label) embedding that every residual block reads. */
  readonly timeEmbedDim: number;
  /** GroupNorm groups; must divide every channel count. */
  readonly groups: number;
  /** Single-head self-attention in the 7×7 middle block. */
  readonly attention: boolean;
  readonly numClasses: 10;
}

// ~0.16M, ~0.34M and ~1.06M parameters (countParams). Width goes to the 28×28 level last because
// that is where conv cost scales with H·W; the embedding is 4× channels[0], as in diffusers'
// UNet2DModel. 'micro' halves the 28×28 width: on the wasm backend a step costs about what its
// convolutions do, so it runs ~2× the steps per second of 'tiny' — the fastest way to digits.
export const PRESETS: Readonly<Record<Preset, UNetConfig>> = {
  micro: {
    preset: 'micro',
    channels: [8, 16, 32],
    blocksPerLevel: 1,
    timeEmbedDim: 32,
    groups: 4,
    attention: true,
    numClasses: 10,
  },
  tiny: {
    preset: 'tiny',
    channels: [16, 32, 40],
    blocksPerLevel: 1,
    timeEmbedDim: 64,
    groups: 8,
    attention: true,
    numClasses: 10,
  },
  small: {
    preset: 'small',
    channels: [32, 64, 64],
    blocksPerLevel: 1,
    timeEmbedDim: 128,
    groups: 8,
    attention: true,
    numClasses: 10,
  },
};

/** Throws on configs the layout cannot build, so mistakes surface before any tensor exists. */
export function validateConfig(config: UNetConfig): void {
  const { channels, blocksPerLevel, timeEmbedDim, groups } = config;
  if (channels.length !== 3) {
    throw new RangeError(`channels must list 3 levels (28, 14, 7), got ${channels.length}`);
  }
  for (const c of channels) {
    if (!Number.isInteger(c) || c < 1 || c % groups !== 0) {
      throw new RangeError(`channel count ${c} must be a positive multiple of groups=${groups}`);
    }
  }
  if (!Number.isInteger(blocksPerLevel) || blocksPerLevel < 1) {
    throw new RangeError(`blocksPerLevel must be a positive integer, got ${blocksPerLevel}`);
  }
  if (!Number.isInteger(timeEmbedDim) || timeEmbedDim < 2) {
    throw new RangeError(`timeEmbedDim must be an integer ≥ 2, got ${timeEmbedDim}`);
  }
  // The sinusoidal embedding has width channels[0] and needs a sin and a cos half.
  if ((channels[0] ?? 1) % 2 !== 0) throw new RangeError('channels[0] must be even');
}
