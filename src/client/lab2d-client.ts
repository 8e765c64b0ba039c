/**
 * The page side of the 2-D lab's worker: started on the lab's first use, typed messages, and the
 * glue between its replies and the lab's store. Replies to anything but the latest request of
 * their kind are dropped.
 */
import { mulberry32 } from '../ml/random';
import type { Bounds, NoiseLevel } from '../ml/lab2d/mixture';
import type { PointSet } from '../ml/lab2d/points';
import { METHODS, type Method } from '../ml/lab2d/reverse';
import { familyOf, type FromLab2d, type ToLab2d } from '../shared/lab2d-protocol';
import { useLab2dStore } from '../state/lab2d-store';

let worker: Worker | null = null;
let nextId = 1;
const latest = { density: 0, train: 0, sample: 0, field: 0 };
const densityWaiters = new Map<number, (grid: Float32Array) => void>();
const fieldWaiters = new Map<
  number,
  (r: { learned: Float32Array | null; exact: Float32Array }) => void
>();

function send(message: ToLab2d): void {
  if (!worker) {
    worker = new Worker(new URL('../worker/lab2d-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<FromLab2d>) => onMessage(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      useLab2dStore.setState({
        training: null,
        sampling: false,
        trainError: `The 2-D lab's worker failed: ${e.message || 'unknown error'}`,
      });
    };
    const { points } = useLab2dStore.getState();
    worker.postMessage({ type: 'data', points } satisfies ToLab2d);
  }
  worker.postMessage(message);
}

function onMessage(m: FromLab2d): void {
  const store = useLab2dStore;
  switch (m.type) {
    case 'backend':
      store.setState({ backend: { name: m.backend, note: m.note } });
      return;
    case 'density':
      densityWaiters.get(m.id)?.(m.grid);
      densityWaiters.delete(m.id);
      return;
    case 'field':
      fieldWaiters.get(m.id)?.({ learned: m.learned, exact: m.exact });
      fieldWaiters.delete(m.id);
      return;
    case 'train/progress': {
      const run = store.getState().training;
      if (m.id !== latest.train || !run) return;
      store.setState({
        training: { ...run, step: m.step, seconds: m.seconds },
        losses: [...store.getState().losses, ...m.losses],
      });
      return;
    }
    case 'train/done': {
      if (m.id !== latest.train) return;
      const s = store.getState();
      store.setState({
        training: null,
        trained: {
          ...s.trained,
          [m.family]: {
            objective: s.trainSettings.objective,
            steps: m.step,
            seconds: m.seconds,
            labelled: s.training?.labelled ?? false,
          },
        },
      });
      return;
    }
    case 'samples':
      if (m.id !== latest.sample) return;
      store.setState({ trajectories: m.trajectories, sampling: false, frame: 0, playing: true });
      return;
    case 'failed':
      densityWaiters.delete(m.id);
      fieldWaiters.delete(m.id);
      if (m.id === latest.train) store.setState({ training: null, trainError: m.message });
      if (m.id === latest.sample) store.setState({ sampling: false, sampleError: m.message });
      return;
    default: {
      const never: never = m;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
}

/** Replaces the lab's data (page and worker); trained models stay until retrained. */
export function setPoints(points: PointSet, source: string, note: string | null): void {
  useLab2dStore.setState({
    points,
    dataSource: source,
    dataNote: note,
    dataError: null,
    trajectories: null,
    playing: false,
  });
  if (worker) worker.postMessage({ type: 'data', points } satisfies ToLab2d);
}

/** The exact density on a w × h grid; resolves null when a newer request overtook it. */
export function requestDensity(
  level: NoiseLevel,
  bounds: Bounds,
  w: number,
  h: number,
): Promise<Float32Array | null> {
  const id = nextId++;
  latest.density = id;
  return new Promise((resolve) => {
    densityWaiters.set(id, (grid) => resolve(id === latest.density ? grid : null));
    send({ type: 'density', id, level, bounds, w, h });
  });
}

export function requestField(
  message: Omit<Extract<ToLab2d, { type: 'field' }>, 'type' | 'id'>,
): Promise<{ learned: Float32Array | null; exact: Float32Array } | null> {
  const id = nextId++;
  latest.field = id;
  return new Promise((resolve) => {
    fieldWaiters.set(id, (r) => resolve(id === latest.field ? r : null));
    send({ type: 'field', id, ...message });
  });
}

export function startTraining(): void {
  const s = useLab2dStore.getState();
  const id = nextId++;
  latest.train = id;
  const settings = { ...s.trainSettings, seed: Math.floor(mulberry32(id)() * 1e6) };
  useLab2dStore.setState({
    training: {
      id,
      family: familyOf(settings.objective),
      step: 0,
      total: settings.steps,
      seconds: 0,
      labelled: settings.conditional && s.points.classes > 1,
    },
    losses: [],
    trainError: null,
  });
  send({ type: 'train', id, settings, schedule: { kind: s.schedule, T: s.T } });
}

export function stopTraining(): void {
  const run = useLab2dStore.getState().training;
  if (run) send({ type: 'train/stop', id: run.id });
}

/** The methods that can run now: all with the exact denoiser, else those with a trained model. */
export function runnableMethods(): Method[] {
  const s = useLab2dStore.getState();
  if (s.sample.source === 'exact') return [...METHODS];
  return METHODS.filter((m) => s.trained[m === 'flow' ? 'flow' : 'diffusion'] !== null);
}

export function startSampling(): void {
  const s = useLab2dStore.getState();
  const methods = runnableMethods();
  if (methods.length === 0) {
    useLab2dStore.setState({
      sampleError: 'Train a model first, or sample with the exact denoiser.',
    });
    return;
  }
  const id = nextId++;
  latest.sample = id;
  useLab2dStore.setState({
    sampling: true,
    sampleError: null,
    playing: false,
    sampledWith: s.sample.source,
  });
  send({
    type: 'sample',
    id,
    request: { ...s.sample, methods },
    schedule: { kind: s.schedule, T: s.T },
  });
}
