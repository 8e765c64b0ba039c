import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../ml/checkpoint';
import { gaussian } from '../ml/random';
import type { Trainer } from '../ml/train/step';
import { readParams } from '../ml/unet/params';
import type { FromWorker, StorageStatus } from '../shared/protocol';
import { DEFAULT_TRAIN_SETTINGS, type TrainSettings } from '../shared/train-protocol';
import { readModelFile } from './model-files';
import { ModelLifecycle, type AutosaveStore } from './model-lifecycle';

/** The autosave in memory; `status` off is a tab that does not own it. */
class MemoryStore implements AutosaveStore {
  bytes: Uint8Array | null = null;
  writes = 0;
  status: StorageStatus = { autosave: 'on', reason: null };
  current() {
    return Promise.resolve(this.status);
  }
  save(bytes: Uint8Array) {
    if (this.status.autosave === 'off') return Promise.resolve(false);
    this.bytes = bytes;
    this.writes += 1;
    return Promise.resolve(true);
  }
  load() {
    return Promise.resolve(this.bytes);
  }
  clear() {
    this.bytes = null;
    return Promise.resolve();
  }
}

const notPublished = (_file: string) => Promise.resolve(new Response(null, { status: 404 }));

function lifecycle(store = new MemoryStore(), fetchDefault = notPublished) {
  const messages: FromWorker[] = [];
  const life = new ModelLifecycle(
    { post: (m) => messages.push(m), runId: () => 7, store, fetchDefault },
    'cpu',
  );
  return { life, store, messages };
}

const S: TrainSettings = {
  ...DEFAULT_TRAIN_SETTINGS,
  preset: 'micro',
  batchSize: 2,
  learningRate: 2e-3,
  totalSteps: 50,
  seed: 7,
};

/** One update on a fixed small batch (8×8 keeps the micro UNet quick on the CPU backend). */
async function trainOnce(trainer: Trainer | null): Promise<void> {
  const x0 = tf.tanh(tf.tensor4d(gaussian(3, 2 * 8 * 8), [2, 8, 8, 1])) as tf.Tensor4D;
  await trainer!.step(x0, Int32Array.from([1, 2]));
  x0.dispose();
}

const weights = (life: ModelLifecycle) => readParams(life.trainer!.params);

describe('the model lifecycle', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('restores an autosave with the same weights, settings and history', async () => {
    const a = lifecycle();
    await a.life.create(S);
    await trainOnce(a.life.trainer);
    a.life.record({ step: 1, loss: 0.5 });
    await a.life.autosave();
    expect(a.life.hasUnsaved()).toBe(false);

    const b = lifecycle(a.store);
    expect(await b.life.restoreAutosave()).toEqual({
      status: 'paused',
      message: 'Restored the autosaved model at step 1.',
    });
    expect(b.life.settings).toEqual(S);
    expect(await weights(b.life)).toEqual(await weights(a.life));
    expect(b.life.summary()).toMatchObject({ step: 1, origin: 'autosave' });
    expect(b.messages).toContainEqual({
      type: 'train/history',
      runId: 7,
      points: [{ step: 1, loss: 0.5 }],
    });

    // A tab that does not own the autosave reads it, and says its training stays in memory.
    a.store.status = { autosave: 'off', reason: 'another tab' };
    const c = lifecycle(a.store);
    expect((await c.life.restoreAutosave()).message).toContain('Another tab holds the autosave');
  });

  it('autosaves a loaded file, so a reload brings it back; a bad file is refused by name', async () => {
    const a = lifecycle();
    await a.life.create(S);
    await trainOnce(a.life.trainer);
    const file = await a.life.exportFile();
    expect(file.name).toBe('dp-model_micro_x0_linear-T1000_step1.dpmodel');

    const b = lifecycle();
    await b.life.create({ ...S, seed: 99 });
    const ckpt = await readModelFile(new Blob([new Uint8Array(file.bytes)]), 'm.dpmodel');
    expect(await b.life.loadFile(ckpt, 'm.dpmodel')).toEqual({
      status: 'paused',
      message: 'Loaded “m.dpmodel” (step 1).',
    });
    expect(b.store.writes).toBe(1);
    const reloaded = lifecycle(b.store);
    await reloaded.life.restoreAutosave();
    expect(reloaded.life.summary()).toMatchObject({ step: 1, settings: S });
    expect(await weights(reloaded.life)).toEqual(await weights(a.life));

    const decoded = decodeCheckpoint(file.bytes);
    const config = decoded.config as { settings: TrainSettings };
    const huge = { ...config, settings: { ...S, schedule: { ...S.schedule, T: 5e8 } } };
    const bad = encodeCheckpoint({ ...decoded, config: huge });
    await expect(readModelFile(new Blob([new Uint8Array(bad)]), 'big.dpmodel')).rejects.toThrow(
      '"schedule.T"',
    );
  });

  it('a device loss before the first autosave resumes from the in-memory snapshot', async () => {
    const a = lifecycle();
    await a.life.create(S);
    const initial = await weights(a.life);
    await trainOnce(a.life.trainer);
    expect(a.store.writes).toBe(0);
    expect(a.life.moveTo('cpu')).toBe(0);
    expect(await weights(a.life)).toEqual(initial);
    expect(a.life.settings).toEqual(S);

    // A snapshot mid-run is where the next loss goes back to.
    await trainOnce(a.life.trainer);
    const afterOne = await weights(a.life);
    await a.life.snapshot(31_000);
    await trainOnce(a.life.trainer);
    expect(a.life.moveTo('cpu')).toBe(1);
    expect(await weights(a.life)).toEqual(afterOne);

    // Nothing to go back to: nothing survives, and the caller is told.
    const empty = lifecycle();
    expect(empty.life.moveTo('cpu')).toBeNull();
    expect(empty.life.trainer).toBeNull();
  });

  it('a NaN on "Train more" goes back to the last good weights with the run’s own settings', async () => {
    const a = lifecycle();
    await a.life.create(S);
    await trainOnce(a.life.trainer);
    await a.life.autosave();
    const saved = await weights(a.life);
    const more = { ...S, batchSize: 4, totalSteps: 200, learningRate: 1e-3 };
    await a.life.changeSettings(more);
    await trainOnce(a.life.trainer);
    expect(a.life.restoreLastGood('the last good checkpoint')).toBe(1);
    expect(a.life.settings).toEqual(more);
    expect(await weights(a.life)).toEqual(saved);
  });

  it('snapshots after 30 s of training; saves when due, when asked, or after the step under way', async () => {
    const a = lifecycle();
    await a.life.create({ ...S, autosaveEvery: 20 });
    expect([a.life.snapshotDue(30_000), a.life.snapshotDue(30_001)]).toEqual([false, true]);
    await a.life.snapshot(30_001);
    expect([a.life.snapshotDue(60_001), a.life.snapshotDue(60_002)]).toEqual([false, true]);
    expect([a.life.saveDue(19), a.life.saveDue(40)]).toEqual([false, true]);
    await a.life.saveSoon(true);
    expect(a.store.writes).toBe(0);
    expect(a.life.saveDue(19)).toBe(true);
    await a.life.saveSoon(false);
    expect(a.store.writes).toBe(1);
    expect(a.life.saveDue(19)).toBe(false);
  });

  it('a first visit loads the published default; none, an unreachable or a damaged one says why', async () => {
    const source = lifecycle();
    await source.life.create(S);
    const { bytes } = await source.life.exportFile();
    const files: Record<string, () => Response> = {
      'model.dpmodel': () => new Response(new Uint8Array(bytes)),
      'card.json': () => new Response('{"name": 3}'),
    };
    const published = (file: string) => Promise.resolve(files[file]!());
    const first = lifecycle(new MemoryStore(), published);
    const outcome = await first.life.restoreAutosave();
    expect(outcome.status).toBe('finished');
    expect(outcome.message).toMatch(/^Loaded the pretrained default model \(step 0\)/);
    expect(first.life.summary()).toMatchObject({ origin: 'default', card: null, settings: S });

    expect(await lifecycle().life.restoreAutosave()).toEqual({ status: 'empty', message: null });
    const offline = lifecycle(new MemoryStore(), () => Promise.reject(new Error('offline')));
    expect(await offline.life.restoreAutosave()).toEqual({
      status: 'empty',
      message:
        'The pretrained default model could not be fetched (Error: offline): train a new one.',
    });

    const damaged = new MemoryStore();
    damaged.bytes = Uint8Array.from([1, 2, 3]);
    const d = lifecycle(damaged);
    const restored = await d.life.restoreAutosave();
    expect(restored.status).toBe('empty');
    expect(restored.message).toMatch(
      /^The autosaved model could not be restored and was discarded/,
    );
    expect(damaged.bytes).toBeNull();
  });
});
