import { describe, expect, it } from 'vitest';
import { encodeCheckpoint, type Checkpoint } from '../ml/checkpoint';
import { decodeModelFile } from '../ml/model-file';
import { encodeTorchExport } from '../ml/torch-export';
import type { ModelMeta } from '../ml/train/snapshot';
import { MICRO } from '../ml/unet/micro-config';
import { DEFAULT_TRAIN_SETTINGS } from '../shared/train-protocol';
import { checkedMeta } from './checked-meta';

const good = {
  kind: 'diffusion-playground-model',
  settings: DEFAULT_TRAIN_SETTINGS,
  step: 3,
  emaUpdates: 3,
  history: { steps: [1, 2, 3], losses: [0.9, null, 0.7] },
  backend: 'wasm',
  savedAt: '2026-12-01T00:00:00Z',
};
const file = (config: unknown): Checkpoint<unknown> => ({ config, tensors: new Map() });
const name = '“m.dpmodel”';

describe('a model file’s meta at the boundary', () => {
  it('passes a good one, NaN losses (null in JSON) read back as NaN', () => {
    const meta = checkedMeta(file(good), name);
    expect(meta.settings).toEqual(DEFAULT_TRAIN_SETTINGS);
    expect(meta.history.losses).toEqual([0.9, NaN, 0.7]);
  });

  it('refuses settings outside the spec and a malformed history, with the field named', () => {
    const bad = (patch: Record<string, unknown>) => () =>
      checkedMeta(file({ ...good, ...patch }), name);
    expect(
      bad({ settings: { ...DEFAULT_TRAIN_SETTINGS, schedule: { kind: 'linear', T: 5e8 } } }),
    ).toThrow('"schedule.T"');
    expect(bad({ settings: { ...DEFAULT_TRAIN_SETTINGS, prediction: 'banana' } })).toThrow(
      '"prediction"',
    );
    expect(bad({ history: null })).toThrow('"history" must hold two lists');
    expect(bad({ history: { steps: [1], losses: [] } })).toThrow('"history"');
    expect(bad({ step: -1 })).toThrow('"step"');
    expect(bad({ settings: null })).toThrow('not a diffusion model');
    expect(() => checkedMeta(file(null), name)).toThrow('not a diffusion model');
  });

  it('keeps a flow-matching model’s prediction through a .dpmodel and a PyTorch export', () => {
    const flow = { ...good, settings: { ...DEFAULT_TRAIN_SETTINGS, prediction: 'flow' } };
    const ckpt = file(flow) as Checkpoint<ModelMeta<unknown>>;
    for (const [what, bytes] of [
      ['dpmodel', encodeCheckpoint(ckpt)],
      ['zip', encodeTorchExport(ckpt, MICRO)],
    ] as const) {
      const meta = checkedMeta(decodeModelFile(bytes, what), what);
      expect(meta.settings.prediction).toBe('flow');
      expect(meta.settings).toEqual(flow.settings);
    }
  });
});
