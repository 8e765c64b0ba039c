/**
 * The page side of training: wires the worker's training messages into the store, the loss and
 * throughput series and the preview frame; exposes the actions the Train panel calls.
 */
import { useAppStore } from '../state/store';
import type { FromWorkerOf } from '../shared/protocol';
import { needsNewModel, type TrainSettings } from '../shared/train-protocol';
import { base64ToPixels } from '../shared/run-charts';
import { publishFrame } from './frame-bus';
import { lossSeries, throughputSeries } from './series';
import type { WorkerClient } from './worker-client';

let client: WorkerClient | null = null;
let runId = 0;

export function startTrainClient(c: WorkerClient): void {
  client = c;
  const store = useAppStore.getState();
  c.on('train/status', (m) => {
    store.setTrainStatus(m.status, m.model, m.message);
    if (m.status === 'empty') store.setTrainStats(null);
  });
  c.on('train/history', (m) => {
    // A whole history means another model (new, restored or loaded): its own quality list.
    store.addTrainQuality(null);
    lossSeries.replace(m.points.map((p) => ({ step: p.step, value: p.loss })));
    if (m.points.length === 0) throughputSeries.replace([]);
  });
  c.on('train/charts', (m) => {
    const { throughput, quality, lastStats, preview } = m.charts;
    throughputSeries.replace(
      throughput.steps.map((step, i) => ({ step, value: throughput.values[i] ?? 0 })),
    );
    quality.forEach((p) => store.addTrainQuality(p));
    store.setTrainStats(lastStats);
    if (preview) {
      const { width, height, step } = preview;
      publishFrame('preview', { width, height, pixels: base64ToPixels(preview.pixels) }, step);
      store.setPreviewStep(step);
    }
  });
  c.on('train/progress', (m) => {
    lossSeries.append(m.points.map((p) => ({ step: p.step, value: p.loss })));
    if (m.stepsPerSec > 0) throughputSeries.append([{ step: m.step, value: m.stepsPerSec }]);
    const { type: _type, runId: _runId, points: _points, ...stats } = m;
    store.setTrainStats(stats);
  });
  c.on('train/quality', (m) => store.addTrainQuality(m.point));
  c.on('train/preview', (m) => {
    publishFrame('preview', m.frame, m.step);
    store.setPreviewStep(m.step);
  });
}

function need(): WorkerClient {
  if (!client) throw new Error('the app has not started');
  return client;
}

/** Whether starting with these settings would discard the current model. */
export function wouldDiscardModel(settings: TrainSettings): boolean {
  const model = useAppStore.getState().model;
  return model !== null && needsNewModel(model.settings, settings);
}

export function startTraining(fresh: boolean): void {
  const { trainSettings } = useAppStore.getState();
  need().send({ type: 'train/start', runId: ++runId, settings: trainSettings, fresh });
}

export function pauseTraining(): void {
  need().send({ type: 'train/pause', runId: ++runId });
}

export function restoreDefaultModel(): void {
  need().send({ type: 'train/default', runId: ++runId });
}

export function resetTraining(): void {
  need().send({ type: 'train/reset', runId: ++runId });
}

export async function downloadModel(): Promise<{ bytes: Uint8Array; name: string }> {
  const m = await need().request<FromWorkerOf<'model/file'>>({ type: 'model/export' });
  return { bytes: m.bytes, name: m.name };
}

/** The model as the zip the PyTorch package loads (python/diffusion_playground). */
export async function downloadModelForPytorch(): Promise<{ bytes: Uint8Array; name: string }> {
  const m = await need().request<FromWorkerOf<'model/file'>>({
    type: 'model/export',
    format: 'pytorch',
  });
  return { bytes: m.bytes, name: m.name };
}

export async function loadModelFile(file: File): Promise<void> {
  await need().request<FromWorkerOf<'model/loaded'>>({
    type: 'model/import',
    file,
    name: file.name,
  });
}
