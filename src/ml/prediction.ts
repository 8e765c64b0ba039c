/**
 * What a model predicts and which samplers fit it: DDPM and DDIM step a diffusion model (ε, v or
 * x₀), Euler and Heun integrate a flow-matching model's velocity (ml/flow-matching.ts). Free of
 * tfjs, so the forms and the CLI check a pairing with the same words the worker refuses it with.
 */
import type { Prediction } from './samplers';

/** A diffusion target (ε, v, x₀), or the flow-matching velocity ε − x₀. */
export type ModelPrediction = Prediction | 'flow';

export const DIFFUSION_SAMPLERS = ['ddim', 'ddpm'] as const;
export const FLOW_SAMPLERS = ['euler', 'heun'] as const;
export type SamplerName = (typeof DIFFUSION_SAMPLERS)[number] | (typeof FLOW_SAMPLERS)[number];
export const SAMPLER_NAMES: readonly SamplerName[] = [...DIFFUSION_SAMPLERS, ...FLOW_SAMPLERS];

export function isFlow(prediction: ModelPrediction): prediction is 'flow' {
  return prediction === 'flow';
}

export function isFlowSampler(kind: SamplerName): kind is (typeof FLOW_SAMPLERS)[number] {
  return kind === 'euler' || kind === 'heun';
}

/** The samplers a model with this prediction can use. */
export function samplersFor(prediction: ModelPrediction): readonly SamplerName[] {
  return isFlow(prediction) ? FLOW_SAMPLERS : DIFFUSION_SAMPLERS;
}

/** The deterministic sampler of a model (interpolation, previews, the quality meter). */
export function deterministicSampler(prediction: ModelPrediction): 'ddim' | 'euler' {
  return isFlow(prediction) ? 'euler' : 'ddim';
}

const SAMPLER_LABELS: Record<SamplerName, string> = {
  ddim: 'DDIM',
  ddpm: 'DDPM',
  euler: 'Euler',
  heun: 'Heun',
};

/** Why `kind` cannot sample a model predicting `prediction`, in words; null when it can. */
export function samplerRefusal(prediction: ModelPrediction, kind: SamplerName): string | null {
  if (isFlow(prediction) === isFlowSampler(kind)) return null;
  return isFlow(prediction)
    ? `This model was trained with flow matching (it predicts a velocity): sample it with Euler or Heun, not ${SAMPLER_LABELS[kind]}.`
    : `${SAMPLER_LABELS[kind]} integrates a flow-matching model's velocity, and this model predicts ${prediction === 'epsilon' ? 'ε' : prediction === 'x0' ? 'x₀' : 'v'}: sample it with DDIM or DDPM.`;
}
