/** The quality meter (page ⇄ worker): sample n class-conditional digits and score them. */
import type { QualityReport } from '../ml/metrics/quality';

export type { QualityReport };

export interface QualitySettings {
  /** Samples to generate, one class after another (the standard for KID is ≥ 500). */
  readonly count: number;
  readonly steps: number;
  readonly guidance: number;
}

// The other sampler settings (no x̂0 clipping among them) are the Sample tab's defaults.
export const DEFAULT_QUALITY_SETTINGS: QualitySettings = { count: 100, steps: 20, guidance: 2 };

export type QualityToWorker =
  | {
      readonly type: 'quality/measure';
      readonly requestId: number;
      readonly settings: QualitySettings;
    }
  /** Stop the measurement `of` (a quality/measure's requestId) between two sampling steps. */
  | { readonly type: 'quality/cancel'; readonly of: number };

/**
 * Where a measurement is: loading the classifier and real-digit statistics (once), sampling
 * (done of total digits finished, and the step of the batch under way), classifying them.
 */
export interface QualityProgress {
  readonly phase: 'loading' | 'sampling' | 'classifying';
  readonly done: number;
  readonly total: number;
  /** While sampling: the step of the batch under way, of `steps`. */
  readonly step: number;
  readonly steps: number;
}

export type QualityFromWorker =
  | ({
      readonly type: 'quality/progress';
      /** The request this is progress of; not a reply, so it carries no requestId. */
      readonly of: number;
    } & QualityProgress)
  | {
      readonly type: 'quality/report';
      readonly requestId: number;
      readonly report: QualityReport;
      readonly classifierAccuracy: number;
      readonly step: number;
    };
