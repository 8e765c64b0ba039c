/**
 * The 2-D lab in a shared link (keys `lab.*`): the preset, the forward view, the training form and
 * the sampling form. Drawn or uploaded points are not in links (up to 10k points do not fit in an
 * address); the ranges here are the forms' ranges too.
 */
import { PRESETS, type PresetName } from '../ml/lab2d/datasets';
import { OBJECTIVES, type Objective } from '../ml/lab2d/objective';
import { SCHEDULE_KINDS, T_MAX, T_MIN, type ScheduleKind } from '../ml/schedule';
import {
  booleanField,
  checkNumberText,
  choiceField,
  numberField,
  type LinkField,
} from './link-state';
import type { DenoiserSource, Family } from './lab2d-protocol';

export const LAB2D_LIMITS = {
  trainSteps: { min: 50, max: 20000, integer: true },
  width: { min: 16, max: 256, integer: true },
  sampleSteps: { min: 2, max: 200, integer: true },
  particles: { min: 10, max: 2000, integer: true },
  scale: { min: 0, max: 10, integer: false },
  seed: { min: 0, max: 1_000_000, integer: true },
} as const;

export interface Lab2dLinkValues {
  readonly preset: PresetName;
  readonly schedule: ScheduleKind;
  readonly T: number;
  readonly t: number;
  readonly density: boolean;
  readonly fields: boolean;
  readonly fieldOf: Family;
  readonly objective: Objective;
  readonly trainSteps: number;
  readonly width: number;
  readonly labels: boolean;
  readonly denoiser: DenoiserSource;
  readonly sampleSteps: number;
  readonly particles: number;
  readonly solver: 'euler' | 'heun';
  readonly guide: number;
  readonly scale: number;
  readonly seed: number;
}

/** The fields, with a fresh lab's values as their defaults. */
export function lab2dLinkFields(d: Lab2dLinkValues): {
  [K in keyof Lab2dLinkValues]: LinkField<Lab2dLinkValues[K]>;
} {
  const T = numberField('lab.T', '2-D lab · T', { min: T_MIN, max: T_MAX, integer: true }, d.T);
  const L = LAB2D_LIMITS;
  return {
    preset: choiceField('lab.data', '2-D lab · Data set', PRESETS, d.preset),
    schedule: choiceField('lab.schedule', '2-D lab · Schedule', SCHEDULE_KINDS, d.schedule),
    T,
    t: {
      key: 'lab.t',
      label: '2-D lab · t',
      default: d.t,
      parse: (raw, get) => {
        const linkT = get(T.key);
        return checkNumberText(raw, {
          min: 0,
          max: (typeof linkT === 'number' ? linkT : d.T) - 1,
          integer: true,
        });
      },
      serialize: String,
    },
    density: booleanField('lab.density', '2-D lab · Exact density', d.density),
    fields: booleanField('lab.fields', '2-D lab · Show fields', d.fields),
    fieldOf: choiceField('lab.fieldOf', '2-D lab · Field of', ['diffusion', 'flow'], d.fieldOf),
    objective: choiceField('lab.objective', '2-D lab · Predicts', OBJECTIVES, d.objective),
    trainSteps: numberField('lab.steps', '2-D lab · Training steps', L.trainSteps, d.trainSteps),
    width: numberField('lab.width', '2-D lab · Width', L.width, d.width),
    labels: booleanField('lab.labels', '2-D lab · Use labels', d.labels),
    denoiser: choiceField('lab.denoiser', '2-D lab · Denoiser', ['learned', 'exact'], d.denoiser),
    sampleSteps: numberField(
      'lab.sampleSteps',
      '2-D lab · Sampling steps',
      L.sampleSteps,
      d.sampleSteps,
    ),
    particles: numberField('lab.particles', '2-D lab · Particles', L.particles, d.particles),
    solver: choiceField('lab.solver', '2-D lab · Flow solver', ['euler', 'heun'], d.solver),
    guide: numberField(
      'lab.guide',
      '2-D lab · Guide toward',
      { min: -1, max: 9, integer: true },
      d.guide,
    ),
    scale: numberField('lab.scale', '2-D lab · Guidance scale', L.scale, d.scale),
    seed: numberField('lab.seed', '2-D lab · Seed', L.seed, d.seed),
  };
}
