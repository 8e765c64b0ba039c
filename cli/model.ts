/** A model file opened for sampling: its EMA weights on a backend, as the app samples from them. */
import type { Denoiser } from '../src/ml/sample';
import type { ModelPrediction } from '../src/ml/prediction';
import { scheduleOf, type Schedule } from '../src/ml/schedule';
import { unetForward } from '../src/ml/unet/model';
import { disposeParams, initParams, loadParams } from '../src/ml/unet/params';
import type { NodeBackend, NodeBackendName } from '../src/node/backends';
import { CliError, chooseBackend, modelPath, presetConfig, readModel, type Meta } from './common';

export interface SamplingModelFile {
  readonly path: string;
  readonly meta: Meta;
  readonly schedule: Schedule;
  readonly prediction: ModelPrediction;
  readonly denoise: Denoiser;
  readonly backend: NodeBackend;
  dispose(): void;
}

/** Checks the file and `steps` before the backend starts, so bad arguments answer at once. */
export async function openSamplingModel(
  dirOrFile: string,
  steps: number,
  backendName: NodeBackendName | undefined,
): Promise<SamplingModelFile> {
  const path = modelPath(dirOrFile);
  const { ckpt, meta } = readModel(path);
  const settings = meta.settings;
  const config = presetConfig(settings);
  const schedule = scheduleOf(settings.schedule);
  if (steps > schedule.T)
    throw new CliError(`this model has T = ${schedule.T}: use at most ${schedule.T} --steps`);
  const ema = new Map<string, Float32Array>();
  for (const [name, t] of ckpt.tensors)
    if (name.startsWith('ema/')) ema.set(name.slice('ema/'.length), t.values);
  if (ema.size === 0) throw new CliError(`${path} holds no EMA weights`);

  const backend = await chooseBackend(backendName);
  const params = initParams(config, settings.seed);
  try {
    loadParams(params, config, ema);
  } catch (error) {
    disposeParams(params);
    throw new CliError(`${path} does not fit its preset: ${String(error)}`);
  }
  return {
    path,
    meta,
    schedule,
    prediction: settings.prediction,
    denoise: (xt, t, labels) => unetForward(params, config, xt, t, labels),
    backend,
    dispose: () => disposeParams(params),
  };
}
