/**
 * The page side of the Create tab: checks the input in words before anything changes, then
 * starts SDEdit, inpainting or interpolation as a recorded run of the sampling player, or the
 * strengths strip as one request whose images arrive one by one.
 */
import { sdeditStartIndex } from '../ml/sdedit';
import { defaultResampling } from '../ml/repaint-schedule';
import { useCreateStore } from '../state/create-store';
import { useAppStore } from '../state/store';
import type { CreateTask } from '../shared/create-protocol';
import { maskedCount } from '../shared/masks';
import { beginRun, isCurrentRun, sampleWorker } from './sample-client';

/** The run's RePaint settings: the form's jump length, or the paper's scaled to this many steps. */
export function resamplingFor(
  steps: number,
  jumpLength: number | null,
  jumpCount: number,
): { jumpLength: number; jumpCount: number } {
  return {
    jumpLength: Math.min(steps, jumpLength ?? defaultResampling(steps).jumpLength),
    jumpCount,
  };
}

/** The task the form describes, or why it cannot run. */
function taskFromForm(): CreateTask | string {
  const c = useCreateStore.getState();
  const { x0, sampleSettings: s, model } = useAppStore.getState();
  if (!model)
    return 'There is no model yet: train one in “2 · Train a denoiser”, or load a model file there.';
  if (c.mode === 'interpolate') {
    return c.interpolation === 'seeds'
      ? { kind: 'interpolate-seeds', seedB: c.seedB, frames: c.frames }
      : { kind: 'interpolate-classes', classA: c.classA, classB: c.classB, frames: c.frames };
  }
  if (!x0) return 'Pick a starting image first: an MNIST digit, a drawing or an image file.';
  if (c.mode === 'sdedit') {
    if (sdeditStartIndex(s.steps, c.strength) === s.steps)
      return `At strength ${c.strength} a ${s.steps}-step run keeps no step: raise the strength or the steps.`;
    return { kind: 'sdedit', image: x0.slice(), strength: c.strength };
  }
  if (maskedCount(c.mask) === 0)
    return 'The mask is empty: paint over the part the model should fill in, or pick a preset (top, bottom, left or right half).';
  const resampling = resamplingFor(s.steps, c.jumpLength, c.jumpCount);
  return { kind: 'inpaint', image: x0.slice(), mask: c.mask.slice(), ...resampling };
}

function refused(): CreateTask | null {
  const task = taskFromForm();
  const store = useCreateStore.getState();
  if (typeof task === 'string') {
    store.set({ message: task });
    return null;
  }
  store.set({ message: null });
  return task;
}

export function startCreate(play: boolean): void {
  const task = refused();
  if (!task) return;
  const c = useCreateStore.getState();
  const settings = { ...useAppStore.getState().sampleSettings, count: 1 };
  c.set({
    runColumns: task.kind.startsWith('interpolate') ? c.frames : 1,
    runKind: c.mode,
  });
  beginRun((runId) => ({ type: 'create/start', runId, settings, task, play }), play, 'create');
}

let listening = false;

/** SDEdit of the starting image at each strength of the strip, from one seed. */
export function startStrengthStrip(strengths: readonly number[]): void {
  const { x0, sampleSettings, model } = useAppStore.getState();
  const store = useCreateStore.getState();
  if (!model || !x0) {
    store.set({ message: model ? 'Pick a starting image first.' : 'There is no model yet.' });
    return;
  }
  const tooSmall = strengths.find(
    (s) => sdeditStartIndex(sampleSettings.steps, s) === sampleSettings.steps,
  );
  if (tooSmall !== undefined) {
    store.set({
      message: `At strength ${tooSmall} a ${sampleSettings.steps}-step run keeps no step: use more steps.`,
    });
    return;
  }
  if (!listening) {
    listening = true;
    sampleWorker().on('create/strength', (m) => {
      if (isCurrentRun(m.runId)) useCreateStore.getState().setStripFrame(m.index, m.frame);
    });
  }
  store.set({ message: null, strip: strengths.map(() => null) });
  const settings = { ...sampleSettings, count: 1 };
  const image = x0.slice();
  beginRun(
    (runId) => ({ type: 'create/strengths', runId, settings, image, strengths }),
    false,
    'create',
  );
}
