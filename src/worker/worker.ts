/// <reference lib="webworker" />
/**
 * The worker: owns tfjs and every heavy computation. Dispatches typed messages to jobs; the
 * dataset and the forward visualizer answer at once while the tfjs backend starts up.
 */
import type { BackendDecision } from '../shared/backend-choice';
import type { BackendAttempt, BackendName, FromWorker, ToWorker } from '../shared/protocol';
import { DEFAULT_QUALITY_SETTINGS } from '../shared/quality-protocol';
import { withRetries } from '../shared/retry';
import { validateTrainSettings } from '../shared/train-settings-spec';
import { chooseBackend, chooseFastestBackend } from './backends';
import { Dataset } from './dataset';
import { DataSetJob } from './data-set-job';
import { ForwardJob } from './forward-job';
import { decodeToDigit } from './image-decode';
import { watchDeviceLoss } from './device-loss';
import type { QualityJob } from './quality-job';
import type { SampleJob } from './sample-job';
import type { TrainJob } from './train-job';

declare const self: DedicatedWorkerGlobalScope;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const DATA_URL = new URL(`${import.meta.env.BASE_URL}data/mnist.bin`, self.location.origin).href;

const forward = new ForwardJob(post);
let dataset: Promise<Dataset> | null = null;
/** The set training and the digit picker read: the shipped digits or the learner's own. */
const dataSets = new DataSetJob(post, loadDataset, answer, () => {
  void qualityJob?.then(
    (q) => q.forgetScorer(),
    () => undefined,
  );
});

function loadDataset(): Promise<Dataset> {
  if (!dataset) {
    const start = performance.now();
    dataset = Dataset.load(DATA_URL);
    dataset.then(
      (d) =>
        post({
          type: 'data/ready',
          count: d.set.count,
          perClass: d.perClass(),
          ms: performance.now() - start,
        }),
      (e: unknown) =>
        post({
          type: 'data/failed',
          message: `The MNIST digits could not be loaded: ${errorMessage(e)}`,
        }),
    );
  }
  return dataset;
}

/** Injected faults (?fault=), consumed as they fire. */
let faults: { nanLossAtStep?: number; deviceLossAtStep?: number } = {};
let currentBackend: BackendName | null = null;

async function onDeviceLost(message: string): Promise<void> {
  post({ type: 'backend/lost', backend: 'webgpu', message });
  // Stop training before the backend changes under it; it resumes on the new one.
  if (trainJob) await (await trainJob).pauseForDeviceLoss();
  if (qualityJob) (await qualityJob).forgetScorer();
  await startBackend('webgl');
}

let trainJob: Promise<TrainJob> | null = null;
let resolveBackend: (backend: BackendName) => void = () => undefined;
const firstBackend = new Promise<BackendName>((resolve) => (resolveBackend = resolve));

/** The training job, loaded (with the model code) once a backend runs; restores the autosave. */
function train(): Promise<TrainJob> {
  trainJob ??= firstBackend.then(async (backend) => {
    const { TrainJob } = await withRetries(() => import('./train-job'));
    const job = new TrainJob(
      post,
      () => dataSets.current(),
      backend,
      async (count: number) =>
        await (await quality()).score({ ...DEFAULT_QUALITY_SETTINGS, count }),
      {
        nanBatch: (step) => {
          if (faults.nanLossAtStep !== step) return false;
          delete faults.nanLossAtStep;
          return true;
        },
        afterStep: (step) => {
          if (faults.deviceLossAtStep !== step || currentBackend !== 'webgpu') return;
          delete faults.deviceLossAtStep;
          void onDeviceLost(
            'The WebGPU device was lost (injected by ?fault=); switching to WebGL.',
          );
        },
      },
    );
    await job.restoreAutosave();
    return job;
  });
  trainJob.catch(() => (trainJob = null));
  return trainJob.catch(explainLoadFailure);
}

/**
 * A job's code arrives as its own chunk: offline, or in a tab older than a redeploy, the
 * download fails. The failure is not kept (the next request tries again) and says so.
 */
function explainLoadFailure(error: unknown): never {
  const message = errorMessage(error);
  if (/dynamically imported module|Importing a module script failed/i.test(message)) {
    throw new Error(
      `A part of the app could not be downloaded (${message}). Check the connection: it is tried again the next time you ask.`,
    );
  }
  throw error instanceof Error ? error : new Error(message);
}

let sampleJob: Promise<SampleJob> | null = null;

function sampler() {
  sampleJob ??= train().then(async (job) => {
    const { SampleJob } = await withRetries(() => import('./sample-job'));
    return new SampleJob(post, () => job.samplingModel());
  });
  sampleJob.catch(() => (sampleJob = null));
  return sampleJob.catch(explainLoadFailure);
}

let qualityJob: Promise<QualityJob> | null = null;

function quality(): Promise<QualityJob> {
  qualityJob ??= train().then(async (job) => {
    const { QualityJob } = await withRetries(() => import('./quality-job'));
    return new QualityJob(
      post,
      () => dataSets.current(),
      () => job.samplingModel(),
    );
  });
  qualityJob.catch(() => (qualityJob = null));
  return qualityJob.catch(explainLoadFailure);
}

async function onBackendReady(backend: BackendName): Promise<void> {
  if (trainJob) await (await trainJob).moveToBackend(backend);
  resolveBackend(backend);
  keepTryingTrainJob();
}

const RETRY_FIRST_MS = 5_000;
const RETRY_MAX_MS = 60_000;

/**
 * The training job holds the model every tab needs; if its code fails to download, it is tried
 * again in the background (the Sample tab has nothing to press until it is there). Said once.
 */
function keepTryingTrainJob(delayMs = RETRY_FIRST_MS, said = false): void {
  train().catch((error: unknown) => {
    if (!said) post({ type: 'error', message: errorMessage(error) });
    setTimeout(() => keepTryingTrainJob(Math.min(2 * delayMs, RETRY_MAX_MS), true), delayMs);
  });
}

async function startBackend(
  forced: BackendName | null,
  remembered: BackendDecision | null = null,
): Promise<void> {
  const start = performance.now();
  const onAttempt = (attempts: readonly BackendAttempt[]) =>
    post({ type: 'backend/loading', attempts });
  try {
    const chosen = forced
      ? { ...(await chooseBackend(forced, onAttempt)), decision: null, fromMemory: false }
      : await chooseFastestBackend(remembered, onAttempt, (backend) =>
          post({ type: 'backend/measuring', backend }),
        );
    const threads =
      chosen.backend === 'wasm' ? (await import('./wasm-setup')).wasmThreadInfo() : null;
    post({
      type: 'backend/ready',
      backend: chosen.backend,
      forced,
      attempts: chosen.attempts,
      ms: performance.now() - start,
      ...(threads ? { wasmThreads: threads } : {}),
      decision: chosen.decision,
      fromMemory: chosen.fromMemory,
    });
    currentBackend = chosen.backend;
    void onBackendReady(chosen.backend).catch((error: unknown) =>
      post({ type: 'error', message: `The model could not be restored: ${errorMessage(error)}` }),
    );
    if (chosen.backend === 'webgpu')
      watchDeviceLoss(chosen.tf, (message) => void onDeviceLost(message));
  } catch (error) {
    post({ type: 'backend/failed', attempts: [] });
    post({ type: 'error', message: `No tfjs backend could start: ${errorMessage(error)}` });
  }
}

/** The header's menu: training stops with its state kept, and goes on on the new backend. */
async function switchBackend(choice: BackendName | 'auto'): Promise<void> {
  if (sampleJob) (await sampleJob).stopForBackendChange();
  if (qualityJob) (await qualityJob).forgetScorer();
  if (trainJob) await (await trainJob).holdForBackendChange();
  await startBackend(choice === 'auto' ? null : choice);
}

/**
 * tfjs is parsed and the GPU device created on this same thread, which would hold up the first
 * forward frame by seconds; so the backend starts right after that frame, or after a short grace
 * period if no frame is asked for.
 */
let deferredBackendStart: (() => void) | null = null;
const BACKEND_GRACE_MS = 1500;

function deferBackendStart(forced: BackendName | null, remembered: BackendDecision | null): void {
  const start = () => {
    if (deferredBackendStart !== start) return;
    deferredBackendStart = null;
    void startBackend(forced, remembered);
  };
  deferredBackendStart = start;
  setTimeout(start, BACKEND_GRACE_MS);
}

/**
 * Training commands run one after another, in the order they came: "New model" sends reset then
 * start, and a reset finishing after the start would leave a running model reported as empty.
 */
let trainOrder: Promise<unknown> = Promise.resolve();

function inTrainOrder(work: () => Promise<void>): Promise<void> {
  const next = trainOrder.then(work, work);
  trainOrder = next.catch(() => undefined);
  return next;
}

/** Runs a one-shot request; a failure is answered with its message, never left hanging. */
async function answer(
  requestId: number,
  work: () => Promise<[FromWorker, Transferable[]]>,
): Promise<void> {
  try {
    const [reply, transfer] = await work();
    post(reply, transfer);
  } catch (error) {
    post({ type: 'request/failed', requestId, message: errorMessage(error) });
  }
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'init':
      faults = { ...message.faults };
      // As a private window without IndexedDB: idb-keyval's open then fails for real.
      if (message.faults.noStorage)
        Object.defineProperty(self, 'indexedDB', { value: undefined, configurable: true });
      void loadDataset();
      deferBackendStart(message.forcedBackend, message.rememberedBackend);
      return;
    case 'backend/choose':
      return inTrainOrder(() => switchBackend(message.choice));
    case 'data/pick':
      return answer(message.requestId, async () => {
        const digit = await dataSets.pick(message.label, message.index);
        const reply = { type: 'data/digit', requestId: message.requestId, ...digit } as const;
        return [reply, [digit.pixels.buffer]];
      });
    case 'dataset/import':
    case 'dataset/use':
    case 'dataset/list':
    case 'dataset/delete':
    case 'dataset/page':
    case 'dataset/add-drawing':
      return dataSets.handle(message);
    case 'image/decode':
      return answer(message.requestId, async () => {
        const pixels = await decodeToDigit(message.file, message.name);
        return [{ type: 'image/decoded', requestId: message.requestId, pixels }, [pixels.buffer]];
      });
    case 'forward/config':
      forward.configure(message);
      return;
    case 'forward/frame':
      forward.frame(message.runId, message.t);
      if (deferredBackendStart) setTimeout(deferredBackendStart, 0);
      return;
    case 'train/start': {
      // Checked here too: a message is a boundary like a file (the page may be older or newer).
      const settings = validateTrainSettings(message.settings, 'The training settings');
      return inTrainOrder(async () =>
        (await train()).start(
          message.runId,
          await dataSets.stamp(settings, message.fresh),
          message.fresh,
        ),
      );
    }
    case 'train/save-now':
      if (trainJob) return inTrainOrder(async () => (await train()).saveNow());
      return;
    case 'train/default':
      return inTrainOrder(async () => (await train()).restoreDefault(message.runId));
    case 'train/pause':
      return inTrainOrder(async () => (await train()).pause(message.runId));
    case 'train/reset':
      return inTrainOrder(async () => (await train()).reset(message.runId));
    case 'model/export':
      return answer(message.requestId, async () => {
        const file = await (await train()).exportModel(message.format);
        return [{ type: 'model/file', requestId: message.requestId, ...file }, [file.bytes.buffer]];
      });
    case 'model/import':
      return answer(message.requestId, async () => {
        await inTrainOrder(async () => {
          const job = await train();
          await job.importModel(job.currentRunId() + 1, message.file, message.name);
        });
        return [{ type: 'model/loaded', requestId: message.requestId }, []];
      });
    case 'sample/start':
      await (await sampler()).start(message.runId, message.settings, message.play);
      return;
    case 'sample/play':
      (await sampler()).play(message.runId, message.delayMs);
      return;
    case 'sample/pause':
      (await sampler()).pause(message.runId);
      return;
    case 'sample/step':
      await (await sampler()).step(message.runId);
      return;
    case 'sample/cancel':
      (await sampler()).cancel(message.runId);
      return;
    case 'create/start': {
      const { createStepper } = await withRetries(() => import('./create-job'));
      const { settings, task } = message;
      await (
        await sampler()
      ).begin(message.runId, message.play, (model) => createStepper(model, settings, task));
      return;
    }
    case 'create/strengths': {
      const { runStrengths } = await withRetries(() => import('./create-job'));
      return runStrengths(await sampler(), post, message);
    }
    case 'sample/compare':
      await (await sampler()).compare(message.runId, message.a, message.b);
      return;
    case 'export/apng':
      return answer(message.requestId, async () => {
        const { encodeApng } = await import('./apng');
        const bytes = encodeApng(message.frames, message.scale, message.delayMs);
        return [{ type: 'export/file', requestId: message.requestId, bytes }, [bytes.buffer]];
      });
    case 'quality/cancel':
      (await quality()).cancel(message.of);
      return;
    case 'quality/measure':
      return answer(message.requestId, async () => [
        await (await quality()).measure(message.requestId, message.settings),
        [],
      ]);
    default: {
      const never: never = message;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  handle(event.data).catch((error: unknown) =>
    post({ type: 'error', message: errorMessage(error) }),
  );
};
self.onunhandledrejection = (event) => {
  post({ type: 'error', message: `worker: ${errorMessage(event.reason)}` });
};
