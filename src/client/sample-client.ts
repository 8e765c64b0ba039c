/**
 * The page side of sampling: records the trajectory streamed by the worker (so the learner can
 * step back and scrub without recomputing), shows the chosen step, and drives play / pause /
 * step / cancel / compare. Frames live here, outside React; the store holds indices and meta.
 */
import { useAppStore, type SampleView } from '../state/store';
import type { FromWorkerOf, GrayFrame, ToWorker } from '../shared/protocol';
import type { QualityProgress, QualitySettings } from '../shared/quality-protocol';
import type { SampleFrame } from '../shared/sample-protocol';
import { publishFrame } from './frame-bus';
import type { WorkerClient } from './worker-client';

let client: WorkerClient | null = null;
let runId = 0;
/** At most this many frames are kept; longer runs keep every k-th step (and the last). */
const MAX_RECORDED = 400;
let trajectory: SampleFrame[] = [];
/** Which tab's canvases the recorded run draws on: the Sample tab's, or the Create tab's. */
export type RunOwner = 'sample' | 'create';
let owner: RunOwner = 'sample';

function meta(f: SampleFrame): SampleView {
  return { index: f.index, total: f.total, t: f.t, prevT: f.prevT, elapsedMs: f.elapsedMs };
}

function show(i: number): void {
  const frame = trajectory[i];
  if (!frame) return;
  publishFrame(`${owner}-xt`, frame.xt, frame.index);
  publishFrame(`${owner}-x0`, frame.x0, frame.index);
  useAppStore.getState().setRecorded(trajectory.length, i, meta(frame));
}

function record(frame: SampleFrame): void {
  const { viewIndex } = useAppStore.getState();
  const live = viewIndex >= trajectory.length - 1;
  const every = Math.max(1, Math.ceil(frame.total / MAX_RECORDED));
  const last = trajectory[trajectory.length - 1];
  // Keep every k-th step; the newest always replaces a skipped predecessor so the end is exact.
  if (last && last.index % every !== 0) trajectory[trajectory.length - 1] = frame;
  else trajectory.push(frame);
  if (live) show(trajectory.length - 1);
  else
    useAppStore.getState().setRecorded(trajectory.length, viewIndex, useAppStore.getState().view);
}

export function startSampleClient(c: WorkerClient): void {
  client = c;
  const store = useAppStore.getState();
  c.on('sample/frame', (m) => {
    if (m.runId !== runId) return;
    if (m.side === 'main') record(m.frame);
    else {
      publishFrame(m.side === 'a' ? 'compare-a' : 'compare-b', m.frame.xt, m.frame.index);
      store.setCompareProgress({ side: m.side, step: m.frame.index + 1, total: m.frame.total });
    }
  });
  c.on('sample/state', (m) => {
    if (m.runId !== runId) return;
    store.setSampleState(m.state, m.message);
    if (m.state !== 'playing') store.setCompareProgress(null);
  });
  c.on('sample/compared', (m) => m.runId === runId && store.setCompareResults(m.results));
}

function need(): WorkerClient {
  if (!client) throw new Error('the app has not started');
  return client;
}

/** The worker, for a tab whose runs go through this player (Create). */
export const sampleWorker = need;

/**
 * A new recorded run (the worker's one sampling job: it replaces any other): `message` starts it
 * with the new runId; returns that id.
 */
export function beginRun(
  message: (runId: number) => ToWorker,
  play: boolean,
  by: RunOwner = 'sample',
): number {
  const s = useAppStore.getState();
  trajectory = [];
  owner = by;
  s.setRecorded(0, -1, null);
  s.setCompareResults(null);
  // The last run's "done" is not this one's: nothing is said until the worker reports.
  s.setSampleState('idle');
  need().send(message(++runId));
  if (play) need().send({ type: 'sample/play', runId, delayMs: s.speedMs });
  return runId;
}

export function isCurrentRun(id: number): boolean {
  return id === runId;
}

export function startSampling(play: boolean): void {
  const settings = useAppStore.getState().sampleSettings;
  beginRun((id) => ({ type: 'sample/start', runId: id, settings, play }), play);
}

export function playSampling(): void {
  const s = useAppStore.getState();
  show(trajectory.length - 1);
  need().send({ type: 'sample/play', runId, delayMs: s.speedMs });
}

export function setSpeed(delayMs: number): void {
  const s = useAppStore.getState();
  s.setSpeedMs(delayMs);
  if (s.sampleState === 'playing') need().send({ type: 'sample/play', runId, delayMs });
}

export function pauseSampling(): void {
  need().send({ type: 'sample/pause', runId });
}

export function cancelSampling(): void {
  need().send({ type: 'sample/cancel', runId });
}

/** Forward through the recording, or one newly computed step at its end. */
export function stepForward(): void {
  const { viewIndex } = useAppStore.getState();
  if (viewIndex < trajectory.length - 1) show(viewIndex + 1);
  else need().send({ type: 'sample/step', runId });
}

export function stepBack(): void {
  show(Math.max(0, useAppStore.getState().viewIndex - 1));
}

export function scrubTo(i: number): void {
  show(Math.max(0, Math.min(trajectory.length - 1, i)));
}

export function compareSamplers(
  a: ReturnType<typeof useAppStore.getState>['sampleSettings'],
  b: typeof a,
): void {
  trajectory = [];
  owner = 'sample';
  useAppStore.getState().setRecorded(0, -1, null);
  useAppStore.getState().setCompareResults(null);
  useAppStore.getState().setCompareProgress({ side: 'a', step: 0, total: a.steps });
  need().send({ type: 'sample/compare', runId: ++runId, a, b });
}

export function recordedFrames(): readonly SampleFrame[] {
  return trajectory;
}

export function currentFrame(): SampleFrame | null {
  return trajectory[useAppStore.getState().viewIndex] ?? null;
}

export async function encodeAnimation(
  frames: readonly GrayFrame[],
  scale: number,
  delayMs: number,
): Promise<Uint8Array> {
  const copies = frames.map((f) => ({ ...f, pixels: f.pixels.slice() }));
  const m = await need().request<FromWorkerOf<'export/file'>>(
    { type: 'export/apng', frames: copies, scale, delayMs },
    copies.map((f) => f.pixels.buffer),
  );
  return m.bytes;
}

/**
 * Samples `settings.count` digits (classes in turn) and scores them; progress as it goes. Aborting
 * `signal` rejects at once and tells the worker to stop before its next sampling step.
 */
export async function measureQuality(
  settings: QualitySettings,
  onProgress: (p: QualityProgress) => void,
  signal?: AbortSignal,
): Promise<FromWorkerOf<'quality/report'>> {
  const c = need();
  let requestId = -1;
  const off = c.on('quality/progress', (m) => m.of === requestId && onProgress(m));
  const stop = () => c.send({ type: 'quality/cancel', of: requestId });
  try {
    const pending = c.request<FromWorkerOf<'quality/report'>>(
      { type: 'quality/measure', settings },
      [],
      signal,
    );
    requestId = c.lastRequestId();
    signal?.addEventListener('abort', stop, { once: true });
    return await pending;
  } finally {
    signal?.removeEventListener('abort', stop);
    off();
  }
}
