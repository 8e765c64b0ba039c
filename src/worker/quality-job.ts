/**
 * The quality meter: samples class-conditional digits from the current model (EMA weights) and
 * scores them with the shipped MNIST classifier: KID against held-out digits with its real-vs-real
 * floor, class accuracy, confidence and memorisation (src/ml/metrics/quality.ts).
 */
import { loadClassifier, type ClassifierParams } from '../ml/metrics/classifier';
import {
  qualityReference,
  qualityReport,
  type QualityReference,
  type QualityReport,
} from '../ml/metrics/quality';
import { batchFrom, splitIndices } from '../ml/mnist';
import type { FromWorker } from '../shared/protocol';
import type { QualityProgress, QualitySettings } from '../shared/quality-protocol';
import type { Dataset } from './dataset';
import { QualityCancelled, sampleForQuality } from './quality-sampling';
import type { SamplingModel } from './sample-job';

/** Held-out real images KID and its real-vs-real floor need at the least. */
const MIN_HELD_OUT = 20;

type Post = (message: FromWorker, transfer?: Transferable[]) => void;

export interface Scorer {
  readonly classifier: ClassifierParams;
  readonly heldOutAccuracy: number;
  readonly reference: QualityReference;
  readonly trainSet: Float32Array;
  readonly realHeldOut: Float32Array;
}

/** The shipped classifier and the statistics of the real digits it compares samples with. */
async function fetchScorer(dataset: () => Promise<Dataset>): Promise<Scorer> {
  const url = new URL(
    `${import.meta.env.BASE_URL}models/classifier/classifier.dpmodel`,
    self.location.origin,
  ).href;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not fetch the classifier: HTTP ${response.status}`);
  const { params, config } = loadClassifier(new Uint8Array(await response.arrayBuffer()));
  const set = (await dataset()).set;
  const { train, heldOut } = splitIndices(set);
  // A learner's small data set (worker/data-set-job.ts) may hold too few to compare with.
  if (heldOut.length < MIN_HELD_OUT) {
    throw new Error(
      `the quality meter compares samples with held-out images (every 10th of each label); this data set has ${heldOut.length}, and it needs at least ${MIN_HELD_OUT}, so about ${MIN_HELD_OUT * 10} images`,
    );
  }
  const realHeldOut = batchFrom(set, heldOut).x0;
  const trainSet = batchFrom(set, train).x0;
  const reference = await qualityReference(params, realHeldOut, trainSet, 0);
  return {
    classifier: params,
    heldOutAccuracy: config.heldOutAccuracy,
    reference,
    trainSet,
    realHeldOut,
  };
}

export class QualityJob {
  private scorer: Promise<Scorer> | null = null;
  /** Page measurements still running (their requestIds); a cancel removes one. */
  private readonly running = new Set<number>();

  constructor(
    private readonly post: Post,
    private readonly dataset: () => Promise<Dataset>,
    private readonly model: () => SamplingModel | null,
    private readonly scorerLoader: (
      dataset: () => Promise<Dataset>,
    ) => Promise<Scorer> = fetchScorer,
  ) {}

  /** The classifier and the real-digit statistics, loaded once. */
  private loadScorer(): Promise<Scorer> {
    this.scorer ??= this.scorerLoader(this.dataset);
    this.scorer.catch(() => (this.scorer = null));
    return this.scorer;
  }

  /** The classifier's weights live on one backend: after a change they load again. */
  forgetScorer(): void {
    const scorer = this.scorer;
    this.scorer = null;
    void scorer?.then(
      (s) => s.classifier.forEach((v) => v.dispose()),
      () => undefined,
    );
  }

  async measure(requestId: number, settings: QualitySettings): Promise<FromWorker> {
    this.running.add(requestId);
    try {
      const scored = await this.score(
        settings,
        (p) => this.post({ type: 'quality/progress', of: requestId, ...p }),
        () => !this.running.has(requestId),
      );
      return { type: 'quality/report', requestId, ...scored };
    } finally {
      this.running.delete(requestId);
    }
  }

  /** Stops a page measurement before its next sampling step (it then fails as cancelled). */
  cancel(requestId: number): void {
    this.running.delete(requestId);
  }

  /** Samples `settings.count` digits from the current model and scores them. */
  async score(
    settings: QualitySettings,
    onProgress: (p: QualityProgress) => void = () => undefined,
    stopped: () => boolean = () => false,
  ): Promise<{
    report: QualityReport;
    classifierAccuracy: number;
    step: number;
    /** Sampling and scoring, without loading the classifier and its reference the first time. */
    ms: number;
  }> {
    const model = this.model();
    if (!model)
      throw new Error('There is no model to measure yet: train one, or load a model file.');
    if (settings.steps > model.schedule.T)
      throw new Error(
        `This model has T = ${model.schedule.T}: use at most ${model.schedule.T} steps.`,
      );
    const total = settings.count;
    onProgress({ phase: 'loading', done: 0, total, step: 0, steps: settings.steps });
    const scorer = await this.loadScorer();
    if (stopped()) throw new QualityCancelled();
    const start = performance.now();
    const { labels, generated } = await sampleForQuality(model, settings, onProgress, stopped);
    onProgress({ phase: 'classifying', done: total, total, step: 0, steps: settings.steps });
    const report = await qualityReport({
      classifier: scorer.classifier,
      generated,
      requestedLabels: labels,
      realHeldOut: scorer.realHeldOut,
      trainSet: scorer.trainSet,
      reference: scorer.reference,
    });
    return {
      report,
      classifierAccuracy: scorer.heldOutAccuracy,
      step: model.step,
      ms: performance.now() - start,
    };
  }
}
