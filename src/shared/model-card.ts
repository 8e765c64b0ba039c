/**
 * The card published beside a pretrained model (public/models/default/card.json, written by
 * `npm run pretrain`): how it was trained and how good its samples are.
 */
import type { PredictionName, PresetName } from './train-protocol';
import type { ScheduleKind } from '../ml/schedule';

/** One quality measurement of a model (cli/metrics.ts `eval`). */
export interface ModelEvaluation {
  readonly sampler: string;
  readonly guidance: number;
  /** Whether x̂0 was clipped to [−1, 1] at each step (absent: clipped, as in older cards). */
  readonly clip?: boolean;
  readonly samples: number;
  readonly seed: number;
  /** Share of class-conditional samples the classifier puts in the requested class. */
  readonly classAccuracy: number | null;
  readonly kid: number;
  readonly kidRealFloor: number;
  readonly meanConfidence: number;
  readonly memorisation: number;
  readonly classifierHeldOutAccuracy: number;
  readonly wallTimeS: number;
}

export interface ModelCard {
  readonly name: string;
  readonly preset: PresetName;
  readonly parameters: number;
  readonly prediction: PredictionName;
  readonly schedule: { readonly kind: ScheduleKind; readonly T: number };
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  /** The tfjs backend it trained on (and the adapter, for WebGPU). */
  readonly backend: string;
  readonly trainWallTimeS: number;
  readonly finalLoss: number | null;
  readonly fileBytes: number;
  /** At the quality bar's settings (DDIM-50, guidance 2) and the Sample tab's defaults. */
  readonly evaluation: ModelEvaluation;
  /** The same measurement with other sampler settings, when the card has them. */
  readonly otherEvaluations?: readonly ModelEvaluation[];
  readonly command: string;
  readonly createdAt: string;
}

/** A parsed card.json, or null when it is not one (the app then shows no card). */
export function parseModelCard(value: unknown): ModelCard | null {
  if (typeof value !== 'object' || value === null) return null;
  const c = value as Partial<ModelCard>;
  const e = c.evaluation;
  const ok =
    typeof c.name === 'string' &&
    typeof c.preset === 'string' &&
    typeof c.steps === 'number' &&
    typeof c.parameters === 'number' &&
    typeof c.trainWallTimeS === 'number' &&
    typeof e === 'object' &&
    e !== null &&
    typeof e.kid === 'number' &&
    typeof e.samples === 'number';
  return ok ? (c as ModelCard) : null;
}
