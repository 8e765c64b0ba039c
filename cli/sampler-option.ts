/**
 * `--sampler` for every command that samples: DDIM or DDPM for an ε/v/x₀ model, Euler or Heun
 * for a flow-matching one. Left out, it is the model's deterministic sampler; a pairing that does
 * not fit the model is refused with the app's words (ml/prediction.ts).
 */
import { Option } from 'commander';
import {
  deterministicSampler,
  SAMPLER_NAMES,
  samplerRefusal,
  type ModelPrediction,
  type SamplerName,
} from '../src/ml/prediction';
import { CliError } from './common';

export const samplerOption = (): Option =>
  new Option(
    '--sampler <kind>',
    'ddim or ddpm for an ε/v/x₀ model, euler or heun for a flow-matching one (default: ddim, or euler for a flow model)',
  ).choices(SAMPLER_NAMES);

/** The sampler asked for, or the model's deterministic one; a CliError when it does not fit. */
export function pickSampler(
  prediction: ModelPrediction,
  asked: SamplerName | undefined,
): SamplerName {
  const kind = asked ?? deterministicSampler(prediction);
  const refusal = samplerRefusal(prediction, kind);
  if (refusal) throw new CliError(refusal);
  return kind;
}
