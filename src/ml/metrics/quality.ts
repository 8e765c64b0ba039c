/**
 * Sample-quality report for generated digits (docs/ARCHITECTURE.md, "Sample quality"): KID on the classifier's features with
 * its real-vs-real floor, class accuracy for class-conditional samples, mean confidence, and a
 * memorisation check (nearest training digit closer than the 1st percentile of the held-out →
 * train nearest distances, i.e. closer than almost any genuinely new real digit gets).
 *
 * Digits are [n·784] Float32Arrays in [−1, 1] (mnist.ts batchFrom's x0). The reference part
 * (held-out features, floor, threshold) does not depend on the samples: compute it once with
 * `qualityReference` and pass it in to score many sample sets.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  type ClassifierParams,
  FEATURE_DIM,
  NUM_CLASSES,
  PIXELS,
  argmaxRows,
  classify,
} from './classifier';
import { kid, realFloor } from './kid';

/** Share of held-out digits defining the memorisation threshold (the 1st percentile). */
export const MEMORISATION_PERCENTILE = 0.01;

function count(x: Float32Array, what: string): number {
  const n = x.length / PIXELS;
  if (!Number.isInteger(n)) throw new RangeError(`${what}: ${x.length} values are not n·784`);
  return n;
}

/**
 * For each query digit, the L2 distance (pixel space, values as given) to its nearest reference
 * digit. ‖q − r‖² = ‖q‖² + ‖r‖² − 2·q·r with one unbatched matMul per chunk of queries against
 * the pre-transposed references (the layout wasm hands to XNNPACK).
 */
export async function nearestDistances(
  queries: Float32Array,
  reference: Float32Array,
  chunk = 256,
): Promise<Float32Array> {
  const nq = count(queries, 'nearestDistances queries');
  const nr = count(reference, 'nearestDistances reference');
  if (nr === 0) throw new RangeError('nearestDistances: no reference digits');
  const out = new Float32Array(nq);
  const [refT, refSq] = tf.tidy(() => {
    const r = tf.tensor2d(reference, [nr, PIXELS]);
    return [tf.transpose(r), tf.reshape(tf.sum(tf.square(r), 1), [1, nr])];
  });
  try {
    for (let s = 0; s < nq; s += chunk) {
      const m = Math.min(chunk, nq - s);
      const d = tf.tidy(() => {
        const q = tf.tensor2d(queries.subarray(s * PIXELS, (s + m) * PIXELS), [m, PIXELS]);
        const cross = tf.matMul(q, refT);
        const partial = tf.min(tf.sub(refSq, tf.mul(cross, tf.scalar(2))), 1);
        return tf.sqrt(tf.relu(tf.add(partial, tf.sum(tf.square(q), 1))));
      });
      out.set((await d.data()) as Float32Array, s);
      d.dispose();
    }
  } finally {
    tf.dispose([refT, refSq]);
  }
  return out;
}

/** The p-quantile (0 ≤ p ≤ 1) with linear interpolation, as numpy.quantile's default. */
export function quantile(values: Float32Array, p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const at = p * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const a = sorted[lo] ?? NaN;
  return a + ((sorted[hi] ?? a) - a) * (at - lo);
}

/** What a report compares against; depends only on the classifier and the real digits. */
export interface QualityReference {
  /**
   * RMS of the held-out features, √(mean ‖f‖² / d). All features are divided by it before KID so
   * that a·b/d is O(1) and the cubic kernel is not dominated by a few large activations; without
   * it the KID scale would depend on how big this classifier's ReLU outputs happen to be.
   */
  readonly featureScale: number;
  /** Classifier features of the held-out digits [n·FEATURE_DIM], divided by featureScale. */
  readonly heldOutFeatures: Float32Array;
  /** KID between two disjoint halves of the held-out digits. */
  readonly kidRealFloor: number;
  /** 1st percentile of held-out → train nearest-digit distances. */
  readonly memorisationThreshold: number;
}

export async function qualityReference(
  classifier: ClassifierParams,
  realHeldOut: Float32Array,
  trainSet: Float32Array,
  seed = 0,
): Promise<QualityReference> {
  const { features } = await classify(classifier, realHeldOut);
  let sq = 0;
  for (const v of features) sq += v * v;
  const featureScale = Math.sqrt(sq / features.length) || 1;
  const heldOutFeatures = features.map((v) => v / featureScale);
  const kidRealFloor = realFloor(heldOutFeatures, FEATURE_DIM, seed);
  const memorisationThreshold = quantile(
    await nearestDistances(realHeldOut, trainSet),
    MEMORISATION_PERCENTILE,
  );
  return { featureScale, heldOutFeatures, kidRealFloor, memorisationThreshold };
}

export interface QualityInput {
  readonly classifier: ClassifierParams;
  /** Generated digits [n·784] in [−1, 1], n ≥ 2. */
  readonly generated: Float32Array;
  /** The class each sample was asked for (class-conditional sampling). */
  readonly requestedLabels?: Int32Array;
  /** Held-out real digits [m·784] in [−1, 1] (splitIndices' heldOut). */
  readonly realHeldOut: Float32Array;
  /** Training digits [t·784] in [−1, 1] (what the diffusion model saw). */
  readonly trainSet: Float32Array;
  /** Seed of the floor's random split. */
  readonly seed?: number;
  /** From qualityReference for the same classifier and digits, to skip recomputing it. */
  readonly reference?: QualityReference;
}

export interface QualityReport {
  readonly samples: number;
  /** KID(generated, held-out). */
  readonly kid: number;
  /** KID between two disjoint halves of the held-out digits: what "as good as real" looks like. */
  readonly kidRealFloor: number;
  /** Share of samples classified as the requested class (only with requestedLabels). */
  readonly classAccuracy?: number;
  /** Mean of the classifier's top softmax probability. */
  readonly meanConfidence: number;
  /** How many samples the classifier puts in each class. */
  readonly predictedCounts: readonly number[];
  /** Share of samples whose nearest training digit is closer than `memorisationThreshold`. */
  readonly memorisation: number;
  readonly memorisationThreshold: number;
}

export async function qualityReport(input: QualityInput): Promise<QualityReport> {
  const { classifier, generated, requestedLabels } = input;
  const n = count(generated, 'qualityReport generated');
  if (n < 2) throw new RangeError('qualityReport: needs at least 2 generated digits');
  if (requestedLabels && requestedLabels.length !== n) {
    throw new RangeError(`qualityReport: ${requestedLabels.length} labels for ${n} digits`);
  }
  const reference =
    input.reference ??
    (await qualityReference(classifier, input.realHeldOut, input.trainSet, input.seed));
  const { features, probs } = await classify(classifier, generated);
  const predicted = argmaxRows(probs);
  const predictedCounts = new Array<number>(NUM_CLASSES).fill(0);
  let confidence = 0;
  let right = 0;
  predicted.forEach((c, i) => {
    predictedCounts[c] = (predictedCounts[c] ?? 0) + 1;
    confidence += probs[i * NUM_CLASSES + c] ?? 0;
    if (requestedLabels && requestedLabels[i] === c) right++;
  });
  const nearest = await nearestDistances(generated, input.trainSet);
  const memorised = nearest.filter((d) => d < reference.memorisationThreshold).length;
  const report: QualityReport = {
    samples: n,
    kid: kid(
      features.map((v) => v / reference.featureScale),
      reference.heldOutFeatures,
      FEATURE_DIM,
    ),
    kidRealFloor: reference.kidRealFloor,
    meanConfidence: confidence / n,
    predictedCounts,
    memorisation: memorised / n,
    memorisationThreshold: reference.memorisationThreshold,
  };
  return requestedLabels ? { ...report, classAccuracy: right / n } : report;
}
