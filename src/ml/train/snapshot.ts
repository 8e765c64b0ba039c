/**
 * A trainer's whole state as a checkpoint (weights, EMA, Adam moments, our settings and the loss
 * history), and back. Tensor names carry a group prefix: "params/", "ema/", "adam.m/", "adam.v/".
 * A file may hold only "ema/" (a published model to sample from); training then starts from the
 * EMA weights with fresh optimizer state.
 */
import type { Checkpoint } from '../checkpoint';
import { CheckpointError, checkFinite, checkShapes } from '../checkpoint';
import { paramShapes } from '../unet/layout';
import { loadParams, readParams } from '../unet/params';
import type { UNetConfig } from '../unet/config';
import type { Trainer } from './step';

export interface ModelMeta<S> {
  readonly kind: 'diffusion-playground-model';
  readonly settings: S;
  readonly step: number;
  /** Adam's bias-correction count when it differs from `step` (moments restarted from zero). */
  readonly momentSteps?: number;
  readonly emaUpdates: number;
  /** Loss history as two parallel arrays (compact JSON). */
  readonly history: { readonly steps: readonly number[]; readonly losses: readonly number[] };
  /** The run's other charts and last preview (shared/run-charts.ts), checked where read. */
  readonly charts?: unknown;
  readonly backend: string;
  readonly savedAt: string;
}

type Tensors = Map<string, { shape: readonly number[]; values: Float32Array }>;

function addGroup(
  out: Tensors,
  prefix: string,
  values: ReadonlyMap<string, Float32Array>,
  shapes: ReadonlyMap<string, readonly number[]>,
): void {
  for (const [name, v] of values)
    out.set(`${prefix}/${name}`, { shape: shapes.get(name) ?? [v.length], values: v });
}

function group(ckpt: Checkpoint<unknown>, prefix: string): Map<string, Float32Array> | null {
  const out = new Map<string, Float32Array>();
  for (const [name, t] of ckpt.tensors)
    if (name.startsWith(`${prefix}/`)) out.set(name.slice(prefix.length + 1), t.values);
  return out.size > 0 ? out : null;
}

export async function snapshotTrainer<S>(
  trainer: Trainer,
  meta: Omit<ModelMeta<S>, 'kind' | 'step' | 'momentSteps' | 'emaUpdates'>,
  opts: { optimizer: boolean } = { optimizer: true },
): Promise<Checkpoint<ModelMeta<S>>> {
  const shapes = paramShapes(trainer.options.config);
  const tensors: Tensors = new Map();
  addGroup(tensors, 'params', await readParams(trainer.params), shapes);
  const ema = await trainer.ema.getState();
  addGroup(tensors, 'ema', ema.values, shapes);
  const momentSteps = trainer.optimizer.momentSteps;
  if (opts.optimizer) {
    const adam = await trainer.optimizer.getState();
    addGroup(tensors, 'adam.m', adam.m, shapes);
    addGroup(tensors, 'adam.v', adam.v, shapes);
  }
  return {
    config: {
      ...meta,
      kind: 'diffusion-playground-model',
      step: trainer.optimizer.step,
      ...(opts.optimizer && momentSteps !== trainer.optimizer.step ? { momentSteps } : {}),
      emaUpdates: ema.updates,
    },
    tensors,
  };
}

/** Reads the meta of a checkpoint, refusing files that are ours in format but not a model. */
export function modelMeta<S>(ckpt: Checkpoint<unknown>, name: string): ModelMeta<S> {
  const meta = ckpt.config as Partial<ModelMeta<S>> | null;
  if (!meta || meta.kind !== 'diffusion-playground-model' || !meta.settings) {
    throw new CheckpointError(`${name} is a checkpoint file but not a diffusion model.`);
  }
  return meta as ModelMeta<S>;
}

/**
 * Checks every group against the model's shapes first, then assigns: a file that does not fit
 * leaves the trainer exactly as it was.
 */
export function restoreTrainer(
  trainer: Trainer,
  config: UNetConfig,
  ckpt: Checkpoint<ModelMeta<unknown>>,
  name: string,
): void {
  const shapes = paramShapes(config);
  const ema = group(ckpt, 'ema');
  const params = group(ckpt, 'params') ?? ema;
  if (!params || !ema) throw new CheckpointError(`${name} holds no model weights.`);
  const m = group(ckpt, 'adam.m');
  const v = group(ckpt, 'adam.v');
  for (const prefix of ['params', 'ema', 'adam.m', 'adam.v']) {
    const g = new Map<string, { shape: readonly number[]; values: Float32Array }>();
    for (const [key, t] of ckpt.tensors)
      if (key.startsWith(`${prefix}/`)) g.set(key.slice(prefix.length + 1), t);
    if (g.size > 0) checkShapes(g, shapes, name);
  }
  checkFinite(ckpt.tensors, name);
  loadParams(trainer.params, config, params);
  trainer.ema.setState({ updates: ckpt.config.emaUpdates, values: ema });
  // Without saved moments the step count (LR schedule, history) goes on but the moments restart
  // from zero with their own bias correction: zero moments corrected as if at a late step would
  // make the first updates ~3× too large.
  const step = ckpt.config.step;
  if (m && v)
    trainer.optimizer.setState({ step, momentSteps: ckpt.config.momentSteps ?? step, m, v });
  else trainer.optimizer.setState({ step, momentSteps: 0, m: zeros(shapes), v: zeros(shapes) });
}

function zeros(shapes: ReadonlyMap<string, readonly number[]>): Map<string, Float32Array> {
  return new Map([...shapes].map(([k, s]) => [k, new Float32Array(s.reduce((a, b) => a * b, 1))]));
}
