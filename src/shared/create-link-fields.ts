/**
 * The Create tab in a shared link (keys `create.*`): the mode and the settings of each mode. The
 * mask and the image being edited are not in links (pixels do not belong in an address); the
 * ranges here are the forms' ranges too.
 */
import { MAX_FRAMES, MIN_FRAMES } from './create-protocol';
import { choiceField, numberField, type LinkField } from './link-state';

export const CREATE_MODES = ['sdedit', 'inpaint', 'interpolate'] as const;
export type CreateMode = (typeof CREATE_MODES)[number];
export const INTERPOLATION_KINDS = ['seeds', 'classes'] as const;
export type InterpolationKind = (typeof INTERPOLATION_KINDS)[number];

export const CREATE_LIMITS = {
  strength: { min: 0.05, max: 1, integer: false },
  jumpCount: { min: 1, max: 20, integer: true },
  seed: { min: 0, max: 2 ** 31 - 1, integer: true },
  digit: { min: 0, max: 9, integer: true },
  frames: { min: MIN_FRAMES, max: MAX_FRAMES, integer: true },
} as const;

export interface CreateLinkValues {
  readonly mode: CreateMode;
  readonly strength: number;
  readonly jumpCount: number;
  readonly interpolation: InterpolationKind;
  readonly seedB: number;
  readonly classA: number;
  readonly classB: number;
  readonly frames: number;
}

/** A fresh Create tab's settings: the store starts from them, and a link leaves them out. */
export const CREATE_DEFAULTS: CreateLinkValues = {
  mode: 'sdedit',
  strength: 0.6,
  jumpCount: 10,
  interpolation: 'seeds',
  seedB: 2,
  classA: 1,
  classB: 7,
  frames: 8,
};

/** The fields, with a fresh Create tab's values as their defaults. */
export function createLinkFields(d: CreateLinkValues): {
  [K in keyof CreateLinkValues]: LinkField<CreateLinkValues[K]>;
} {
  const L = CREATE_LIMITS;
  return {
    mode: choiceField('create.mode', 'Create · Mode', CREATE_MODES, d.mode),
    strength: numberField('create.strength', 'Create · Strength', L.strength, d.strength),
    jumpCount: numberField('create.resample', 'Create · Resamplings', L.jumpCount, d.jumpCount),
    interpolation: choiceField(
      'create.between',
      'Create · Interpolate between',
      INTERPOLATION_KINDS,
      d.interpolation,
    ),
    seedB: numberField('create.seedB', 'Create · Seed B', L.seed, d.seedB),
    classA: numberField('create.from', 'Create · From class', L.digit, d.classA),
    classB: numberField('create.to', 'Create · To class', L.digit, d.classB),
    frames: numberField('create.frames', 'Create · Frames', L.frames, d.frames),
  };
}
