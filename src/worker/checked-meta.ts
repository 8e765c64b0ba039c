/**
 * A model file's meta, checked at the boundary: every setting within the spec, the history and
 * counters well-formed. A file that says T = 5e8 is refused at once with the field named, instead
 * of allocating for a minute and failing in tfjs.
 */
import type { Checkpoint } from '../ml/checkpoint';
import { modelMeta, type ModelMeta } from '../ml/train/snapshot';
import type { TrainSettings } from '../shared/train-protocol';
import { SettingsError, validateTrainSettings } from '../shared/train-settings-spec';

const count = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;

export function checkedMeta(ckpt: Checkpoint<unknown>, name: string): ModelMeta<TrainSettings> {
  const meta = modelMeta<unknown>(ckpt, name);
  const settings = validateTrainSettings(meta.settings, name);
  if (!count(meta.step)) throw new SettingsError(`${name}: "step" must be a whole number ≥ 0.`);
  if (!count(meta.emaUpdates))
    throw new SettingsError(`${name}: "emaUpdates" must be a whole number ≥ 0.`);
  const h = meta.history as unknown;
  const steps = (h as { steps?: unknown } | null)?.steps;
  const losses = (h as { losses?: unknown } | null)?.losses;
  if (
    !Array.isArray(steps) ||
    !Array.isArray(losses) ||
    steps.length !== losses.length ||
    !steps.every(count) ||
    // JSON writes a NaN loss as null.
    !losses.every((l) => l === null || typeof l === 'number')
  ) {
    throw new SettingsError(
      `${name}: "history" must hold two lists of the same length, steps and losses.`,
    );
  }
  return {
    ...meta,
    settings,
    history: { steps, losses: losses.map((l: number | null) => l ?? NaN) },
  };
}
