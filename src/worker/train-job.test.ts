import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { MnistSet } from '../ml/mnist';
import type { FromWorker, StorageStatus } from '../shared/protocol';
import { DEFAULT_TRAIN_SETTINGS, type TrainSettings } from '../shared/train-protocol';
import { Dataset } from './dataset';
import type { AutosaveStore } from './model-lifecycle';
import { TrainJob, type FaultHooks } from './train-job';

/** 30 digits of noise, three per class: enough to draw batches from. */
function tinySet(): MnistSet {
  const count = 30;
  const pixels = Uint8Array.from({ length: count * 28 * 28 }, (_, i) => (i * 37) % 256);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  const byClass = Array.from({ length: 10 }, (_, c) => [c, c + 10, c + 20]);
  return { count, rows: 28, cols: 28, labels, pixels, byClass };
}

const S: TrainSettings = {
  ...DEFAULT_TRAIN_SETTINGS,
  preset: 'micro',
  batchSize: 2,
  totalSteps: 2,
  previewEvery: 0,
  qualityEvery: 0,
  autosaveEvery: 0,
};

function setUp(faults: Partial<FaultHooks> = {}) {
  const messages: FromWorker[] = [];
  const waiting: { test: (m: FromWorker) => boolean; resolve: (m: FromWorker) => void }[] = [];
  const store = { status: { autosave: 'on', reason: null } as StorageStatus, writes: 0 };
  let listener: (status: StorageStatus, tookOver: boolean) => void = () => undefined;
  const fake: AutosaveStore = {
    current: () => Promise.resolve(store.status),
    save: () => {
      if (store.status.autosave === 'off') return Promise.resolve(false);
      store.writes += 1;
      return Promise.resolve(true);
    },
    load: () => Promise.resolve(null),
    clear: () => Promise.resolve(),
  };
  const dataset = Dataset.of(tinySet());
  const job = new TrainJob(
    (m) => {
      messages.push(m);
      waiting.filter((w) => w.test(m)).forEach((w) => w.resolve(m));
    },
    () => Promise.resolve(dataset),
    'cpu',
    () => Promise.reject(new Error('no quality meter here')),
    { nanBatch: () => false, afterStep: () => undefined, ...faults },
    (onStatus) => {
      listener = onStatus;
      return fake;
    },
    () => Promise.resolve(new Response(null, { status: 404 })),
  );
  /** The next status message of this kind. */
  const status = (kind: string) =>
    new Promise<Extract<FromWorker, { type: 'train/status' }>>((resolve) =>
      waiting.push({
        test: (m) => m.type === 'train/status' && m.status === kind,
        resolve: (m) => resolve(m as Extract<FromWorker, { type: 'train/status' }>),
      }),
    );
  const statuses = () =>
    messages.flatMap((m) => (m.type === 'train/status' ? [`${m.status}@${m.model?.step}`] : []));
  return { job, store, status, statuses, takeOver: () => listener(store.status, true) };
}

describe('the training job', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('a NaN on "Train more" stops at the last good step with the new run’s settings', async () => {
    const t = setUp({ nanBatch: (step) => step === 3 });
    const finished = t.status('finished');
    await t.job.start(1, S, true);
    await finished;
    const more = { ...S, totalSteps: 5, batchSize: 3 };
    const paused = t.status('paused');
    await t.job.start(2, more, false);
    const message = await paused;
    expect(message.message).toBe(
      'The loss became NaN or infinite at step 3: training stopped and the weights from step 2 were restored. Try a lower learning rate.',
    );
    expect(message.model).toMatchObject({ step: 2, settings: more });
  });

  it('a device loss before the first autosave goes on from the in-memory weights', async () => {
    let t: ReturnType<typeof setUp> | null = null;
    let lost = false;
    t = setUp({
      afterStep: (step) => {
        // Once, as the worker's injected fault is used up when it fires.
        if (step !== 1 || !t || lost) return;
        lost = true;
        const job = t.job;
        // As the worker does: stop, then carry on once another backend is ready.
        void job.pauseForDeviceLoss().then(() => job.moveToBackend('cpu'));
      },
    });
    const finished = t.status('finished');
    await t.job.start(1, { ...S, totalSteps: 3 }, true);
    expect((await finished).message).toBe('Finished 3 steps.');
    // Back to the snapshot of step 0 taken when the model was made, then on to the end.
    expect(t.statuses()).toEqual(['running@0', 'running@0', 'finished@3']);
    expect(t.store.writes).toBe(1);
  });

  it('a tab that takes the autosave over from a closed one saves its model there at once', async () => {
    const t = setUp();
    t.store.status = { autosave: 'off', reason: 'another tab holds the autosave' };
    const finished = t.status('finished');
    await t.job.start(1, { ...S, totalSteps: 1 }, true);
    await finished;
    expect(t.store.writes).toBe(0);
    t.store.status = { autosave: 'on', reason: null };
    t.takeOver();
    await vi.waitFor(() => expect(t.store.writes).toBe(1), { timeout: 20_000 });
  });
});
