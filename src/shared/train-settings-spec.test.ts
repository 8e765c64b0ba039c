import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_SETTINGS } from './train-protocol';
import { TRAIN_FIELDS, validateTrainSettings } from './train-settings-spec';

const where = '“m.dpmodel”';

describe('training settings spec', () => {
  it('the recipe is within its own spec, and round-trips unchanged', () => {
    expect(validateTrainSettings(DEFAULT_TRAIN_SETTINGS, where)).toEqual(DEFAULT_TRAIN_SETTINGS);
    expect(
      validateTrainSettings(JSON.parse(JSON.stringify(DEFAULT_TRAIN_SETTINGS)), where),
    ).toEqual(DEFAULT_TRAIN_SETTINGS);
  });

  it('fields absent from older files get their defaults', () => {
    const { memoryLimitMB, qualityEvery, lossWeighting, snrGamma, ...old } = DEFAULT_TRAIN_SETTINGS;
    void [memoryLimitMB, qualityEvery, lossWeighting, snrGamma];
    expect(validateTrainSettings(old, where)).toMatchObject({
      memoryLimitMB: 512,
      qualityEvery: 0,
      lossWeighting: 'none',
      snrGamma: 5,
    });
  });

  it('zero terminal SNR: off in files saved before it existed, a boolean otherwise', () => {
    const old = { ...DEFAULT_TRAIN_SETTINGS, schedule: { kind: 'linear', T: 50 } };
    expect(validateTrainSettings(old, where).schedule).toEqual({
      kind: 'linear',
      T: 50,
      zeroTerminalSnr: false,
    });
    const on = { ...old, schedule: { kind: 'cosine', T: 50, zeroTerminalSnr: true } };
    expect(validateTrainSettings(on, where).schedule.zeroTerminalSnr).toBe(true);
    const bad = { ...old, schedule: { kind: 'linear', T: 50, zeroTerminalSnr: 'yes' } };
    expect(() => validateTrainSettings(bad, where)).toThrow(
      '"schedule.zeroTerminalSnr" (Zero terminal SNR) must be true or false, not "yes"',
    );
  });

  it('keeps the data set a model was trained on (absent: the shipped digits)', () => {
    expect(validateTrainSettings(DEFAULT_TRAIN_SETTINGS, where).dataset).toBeUndefined();
    const own = { ...DEFAULT_TRAIN_SETTINGS, dataset: 'shapes.zip' };
    expect(validateTrainSettings(own, where).dataset).toBe('shapes.zip');
    expect(() => validateTrainSettings({ ...own, dataset: 42 }, where)).toThrow(
      '“m.dpmodel”: "dataset" must be a data set\'s name, not 42.',
    );
  });

  it('refuses values outside the spec, naming the field', () => {
    const bad = (patch: Record<string, unknown>) => () =>
      validateTrainSettings({ ...DEFAULT_TRAIN_SETTINGS, ...patch }, where);
    expect(bad({ schedule: { kind: 'linear', T: 5e8 } })).toThrow(
      '“m.dpmodel”: "schedule.T" (T) must be a whole number from 10 to 1000, not 500000000.',
    );
    expect(bad({ prediction: 'banana' })).toThrow(
      '"prediction" (Predicts) must be one of epsilon, v, x0, flow, not "banana"',
    );
    expect(bad({ batchSize: 1e8 })).toThrow(
      '"batchSize" (Batch) must be a whole number from 1 to 256',
    );
    expect(bad({ learningRate: null })).toThrow('"learningRate" (Learning rate) must be a number');
    expect(bad({ emaDecay: NaN })).toThrow('"emaDecay"');
    expect(bad({ batchSize: 2.5 })).toThrow('whole number');
    expect(bad({ schedule: null })).toThrow('"schedule" is missing');
    expect(bad({ qualityEvery: 'sometimes' })).toThrow('"qualityEvery"');
    expect(() => validateTrainSettings(null, where)).toThrow('missing or not an object');
    expect(() => validateTrainSettings([], where)).toThrow('missing or not an object');
  });

  it('every field has a label and a one-line description', () => {
    for (const [key, spec] of Object.entries(TRAIN_FIELDS)) {
      expect(spec.label, key).not.toBe('');
      expect(spec.description.length, key).toBeGreaterThan(10);
      if (spec.kind === 'number') expect(spec.min, key).toBeLessThan(spec.max);
    }
  });
});
