/**
 * The sampling settings' ranges and what each does: the Sample form draws its number fields from
 * these, and a shared link checks its values against them (sample.<name>).
 */
import { SAMPLER_NAMES } from '../ml/prediction';
import { T_MAX } from '../ml/schedule';
import {
  anyField,
  booleanField,
  choiceField,
  numberField,
  ok,
  refuse,
  checkNumberText,
  type AnyLinkField,
  type LinkField,
} from './link-state';
import { DEFAULT_SAMPLE_SETTINGS, type SampleSettings } from './sample-protocol';
import type { NumberSpec } from './train-settings-spec';

const spec = (
  label: string,
  description: string,
  min: number,
  max: number,
  integer: boolean,
  step?: number,
): NumberSpec => ({
  kind: 'number',
  label,
  description,
  min,
  max,
  integer,
  ...(step === undefined ? {} : { step }),
});

export type SampleNumberKey = 'count' | 'seed' | 'guidance' | 'steps' | 'eta';

export const SAMPLE_NUMBER_FIELDS: Record<SampleNumberKey, NumberSpec> = {
  count: spec('Samples', 'How many digits to sample at once, shown as a grid.', 1, 64, true),
  seed: spec(
    'Seed',
    'Seeds the starting noise x_T (and DDPM’s fresh noise): the same seed gives the same digits.',
    0,
    2 ** 31 - 1,
    true,
  ),
  guidance: spec(
    'Guidance scale',
    'Classifier-free guidance s: 1 is the plain conditional model, larger pushes harder toward the class.',
    0,
    20,
    false,
    0.5,
  ),
  // The form narrows this to the model's own T.
  steps: spec(
    'Steps',
    'How many reverse steps to take out of the T the model was trained with.',
    1,
    T_MAX,
    true,
  ),
  eta: spec(
    'η',
    'DDIM’s noise: 0 is a deterministic path, 1 adds as much fresh noise as DDPM.',
    0,
    1,
    false,
    0.1,
  ),
};

export const CLASS_COUNT = 10;

/** The class: "any" (unconditional) or 0–9. */
const classField: LinkField<number | null> = {
  key: 'sample.class',
  label: 'Sample · Class',
  default: DEFAULT_SAMPLE_SETTINGS.label,
  parse: (raw) => {
    if (raw === 'any') return ok(null);
    const n = checkNumberText(raw, { min: 0, max: CLASS_COUNT - 1, integer: true });
    return n.ok ? n : refuse(`must be any or a whole number from 0 to ${CLASS_COUNT - 1}`);
  },
  serialize: (v) => (v === null ? 'any' : String(v)),
};

/** Each link field with the sampling setting it carries. */
export const SAMPLE_LINK_FIELDS: readonly {
  readonly name: keyof SampleSettings;
  readonly field: AnyLinkField;
}[] = [
  ...(Object.keys(SAMPLE_NUMBER_FIELDS) as SampleNumberKey[]).map((name) => ({
    name,
    field: anyField(
      numberField(
        `sample.${name}`,
        `Sample · ${SAMPLE_NUMBER_FIELDS[name].label}`,
        SAMPLE_NUMBER_FIELDS[name],
        DEFAULT_SAMPLE_SETTINGS[name],
      ),
    ),
  })),
  { name: 'label', field: anyField(classField) },
  {
    name: 'sampler',
    field: anyField(
      choiceField(
        'sample.sampler',
        'Sample · Sampler',
        SAMPLER_NAMES,
        DEFAULT_SAMPLE_SETTINGS.sampler,
      ),
    ),
  },
  {
    name: 'spacing',
    field: anyField(
      choiceField(
        'sample.spacing',
        'Sample · Spacing',
        ['leading', 'trailing', 'linspace'],
        DEFAULT_SAMPLE_SETTINGS.spacing,
      ),
    ),
  },
  {
    name: 'variance',
    field: anyField(
      choiceField(
        'sample.variance',
        'Sample · Variance',
        ['fixed-small', 'fixed-large'],
        DEFAULT_SAMPLE_SETTINGS.variance,
      ),
    ),
  },
  {
    name: 'clip',
    field: anyField(booleanField('sample.clip', 'Sample · Clip x̂₀', DEFAULT_SAMPLE_SETTINGS.clip)),
  },
];
