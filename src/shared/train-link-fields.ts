/**
 * The training settings in a shared link: one field per setting of the settings spec
 * (train.<name>, the schedule as train.schedule and train.T), each checked by the spec's own
 * validator, so a setting added to the spec is in links at once.
 */
import { ok, refuse, type LinkField, type Parsed } from './link-state';
import {
  SCHEDULE_FIELDS,
  SettingsError,
  TRAIN_FIELDS,
  validateTrainSettings,
} from './train-settings-spec';
import { DEFAULT_TRAIN_SETTINGS, type TrainSettings } from './train-protocol';

export type ScheduleSettings = TrainSettings['schedule'];

/** Where in TrainSettings a link field's value lives. */
export type TrainLinkTarget =
  | { readonly kind: 'setting'; readonly name: keyof typeof TRAIN_FIELDS }
  | { readonly kind: 'schedule'; readonly name: keyof typeof SCHEDULE_FIELDS };

export interface TrainLinkField {
  readonly target: TrainLinkTarget;
  readonly field: LinkField<unknown>;
}

/** Any of the spec's field kinds (number, choice, on/off flag, and those added later). */
interface SpecLike {
  readonly kind: string;
  readonly label: string;
}

/** The link's text as the value the validator checks: "1"/"0" for a flag, digits for a number. */
function textToValue(raw: string, spec: SpecLike): unknown {
  if (spec.kind === 'flag') return raw === '1' ? true : raw === '0' ? false : raw;
  if (spec.kind !== 'number') return raw;
  // "auto" is the one word a number setting takes (qualityEvery); the validator decides.
  if (raw === 'auto') return raw;
  return raw.trim() === '' ? raw : Number(raw);
}

export function readTrainTarget(s: TrainSettings, target: TrainLinkTarget): unknown {
  return target.kind === 'schedule' ? s.schedule[target.name] : s[target.name];
}

export function writeTrainTarget(
  s: TrainSettings,
  target: TrainLinkTarget,
  value: unknown,
): Partial<TrainSettings> {
  return target.kind === 'schedule'
    ? { schedule: { ...s.schedule, [target.name]: value } as ScheduleSettings }
    : ({ [target.name]: value } as Partial<TrainSettings>);
}

/** The default settings with this one value replaced, through the spec's validator. */
function checked(raw: string, spec: SpecLike, target: TrainLinkTarget): Parsed<unknown> {
  const value = textToValue(raw, spec);
  const settings = {
    ...DEFAULT_TRAIN_SETTINGS,
    ...writeTrainTarget(DEFAULT_TRAIN_SETTINGS, target, value),
  };
  try {
    return ok(readTrainTarget(validateTrainSettings(settings, 'link'), target));
  } catch (error) {
    // '…: "batchSize" (Batch) must be … from 1 to 256, not 9999.': the link names the field.
    if (error instanceof SettingsError)
      return refuse(/ (must .*?)(, not .*)?\.$/.exec(error.message)?.[1] ?? error.message);
    throw error;
  }
}

function linkField(target: TrainLinkTarget, key: string, spec: SpecLike): TrainLinkField {
  const fallback = readTrainTarget(DEFAULT_TRAIN_SETTINGS, target);
  const field: LinkField<unknown> = {
    key,
    label: `Train · ${spec.label}`,
    default: fallback,
    parse: (raw) => checked(raw, spec, target),
    serialize: (v) => (typeof v === 'boolean' ? (v ? '1' : '0') : String(v)),
  };
  return { target, field };
}

export function trainLinkFields(): TrainLinkField[] {
  const schedule = (Object.keys(SCHEDULE_FIELDS) as (keyof typeof SCHEDULE_FIELDS)[]).map((name) =>
    linkField(
      { kind: 'schedule', name },
      name === 'kind' ? 'train.schedule' : `train.${name}`,
      SCHEDULE_FIELDS[name],
    ),
  );
  const settings = (Object.keys(TRAIN_FIELDS) as (keyof typeof TRAIN_FIELDS)[]).map((name) =>
    linkField({ kind: 'setting', name }, `train.${name}`, TRAIN_FIELDS[name]),
  );
  return [...schedule, ...settings];
}
