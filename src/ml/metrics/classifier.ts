/**
 * A small MNIST CNN for sample-quality metrics (docs/ARCHITECTURE.md, "Sample quality"): its penultimate activations are the
 * feature space for KID, its softmax gives class accuracy and confidence of generated digits.
 *
 *   x [B,28,28,1] in [−1, 1]
 *   → conv3×3 16, ReLU, maxpool 2 (14×14) → conv3×3 32, ReLU, maxpool 2 (7×7)
 *   → conv3×3 64, ReLU, maxpool 2 'same' (4×4) → flatten 1024 → dense 64, ReLU (FEATURES)
 *   → dense 10 (logits)
 *
 * Plain tfjs-core ops on named variables; about 89k parameters, ~0.36 MB as a checkpoint.
 *
 * The convs are stride 1 with their own gradient (`conv3x3`): on wasm, ../conv2d's im2col (9
 * slices + concat, or strided slices) dominated a training step (~0.5 s of 0.56 s at batch 64),
 * while tfjs' forward conv runs on XNNPACK. So here the im2col patches come from a forward conv
 * with a fixed 0/1 "identity" filter, dW is one GEMM over them, and dx (stride 1, odd kernel) is
 * a forward conv with the flipped, channel-swapped kernel. Every backend has these ops, and
 * MaxPool's gradient kernel exists on wasm too.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkShapes, decodeCheckpoint, encodeCheckpoint } from '../checkpoint';
import { gaussian, mulberry32, randomInt } from '../random';
import { Adam } from '../train/adam';

export const IMAGE_SIZE = 28;
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
export const NUM_CLASSES = 10;
/** Width of the penultimate layer, the KID feature space. */
export const FEATURE_DIM = 64;

interface ConvSpec {
  readonly name: string;
  readonly cin: number;
  readonly cout: number;
}

const CONVS: readonly ConvSpec[] = [
  { name: 'conv1', cin: 1, cout: 16 },
  { name: 'conv2', cin: 16, cout: 32 },
  { name: 'conv3', cin: 32, cout: 64 },
];
/** Spatial size after each conv + pool: 28 → 14 → 7 → 4. */
const FLAT = 4 * 4 * 64;

/** [3,3,c,9c] filter whose conv yields im2col patches, channel (i·3 + j)·c + ci. */
const identityFilters = new Map<number, tf.Tensor4D>();
function identityFilter(c: number): tf.Tensor4D {
  let f = identityFilters.get(c);
  if (!f || f.isDisposed) {
    const values = new Float32Array(9 * c * 9 * c);
    for (let tap = 0; tap < 9; tap++) {
      for (let ci = 0; ci < c; ci++) values[(tap * c + ci) * 9 * c + tap * c + ci] = 1;
    }
    f = tf.tensor4d(values, [3, 3, c, 9 * c]);
    tf.keep(f);
    identityFilters.set(c, f);
  }
  return f;
}

/** 3×3 stride-1 'same' conv, NHWC, with the wasm-friendly gradient described above. */
const conv3x3Grad = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.conv2d(x, w, 1, 'same'),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
      const [b, h, wd, cin] = sx.shape;
      const cout = sw.shape[3];
      const n = b * h * wd;
      const dx = tf.conv2d(
        dy as tf.Tensor4D,
        tf.transpose(tf.reverse(sw, [0, 1]), [0, 1, 3, 2]),
        1,
        'same',
      );
      const patches = tf.reshape(tf.conv2d(sx, identityFilter(cin), 1, 'same'), [n, 9 * cin]);
      // (dyᵀ · patches)ᵀ: an unbatched, untransposed matMul, which wasm hands to XNNPACK.
      const dyT = tf.transpose(tf.reshape(dy, [n, cout]));
      const dw = tf.reshape(tf.transpose(tf.matMul(dyT, patches)), [3, 3, cin, cout]);
      return [dx, dw];
    },
  };
});

export function conv3x3(x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  return conv3x3Grad(x, w) as tf.Tensor4D;
}

/** Parameter names and shapes, in checkpoint order. */
export const CLASSIFIER_SHAPES: ReadonlyMap<string, readonly number[]> = new Map<
  string,
  readonly number[]
>([
  ...CONVS.flatMap((c): [string, readonly number[]][] => [
    [`${c.name}.w`, [3, 3, c.cin, c.cout]],
    [`${c.name}.b`, [c.cout]],
  ]),
  ['fc1.w', [FLAT, FEATURE_DIM]],
  ['fc1.b', [FEATURE_DIM]],
  ['fc2.w', [FEATURE_DIM, NUM_CLASSES]],
  ['fc2.b', [NUM_CLASSES]],
]);

/** The classifier's weights, keyed by the names in CLASSIFIER_SHAPES. */
export type ClassifierParams = ReadonlyMap<string, tf.Variable>;

export interface ClassifierConfig {
  readonly kind: 'mnist-classifier';
  readonly version: 1;
  /** Accuracy on the held-out split (splitIndices) when it was saved. */
  readonly heldOutAccuracy: number;
  readonly steps: number;
  readonly seed: number;
}

/** A trainable variable holding a copy of `values` (the initial tensor is disposed). */
function variableFrom(values: Float32Array, shape: readonly number[]): tf.Variable {
  const t = tf.tensor(values, [...shape]);
  const v = tf.variable(t, true);
  t.dispose();
  return v;
}

/** He-normal weights (seeded), zero biases. */
export function initClassifier(seed: number): ClassifierParams {
  const params = new Map<string, tf.Variable>();
  let k = 0;
  for (const [name, shape] of CLASSIFIER_SHAPES) {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (name.endsWith('.w')) {
      const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const std = Math.sqrt(2 / fanIn);
      const g = gaussian((seed * 7919 + ++k * 104729) >>> 0, size);
      for (let i = 0; i < size; i++) values[i] = (g[i] ?? 0) * std;
    }
    params.set(name, variableFrom(values, shape));
  }
  return params;
}

export function disposeClassifier(params: ClassifierParams): void {
  for (const v of params.values()) v.dispose();
}

function param(params: ReadonlyMap<string, tf.Tensor>, name: string): tf.Tensor {
  const p = params.get(name);
  if (!p) throw new Error(`classifier: missing parameter ${name}`);
  return p;
}

export interface ClassifierOutput {
  /** [B, 10] */
  readonly logits: tf.Tensor2D;
  /** [B, FEATURE_DIM] penultimate activations (after ReLU). */
  readonly features: tf.Tensor2D;
}

/**
 * Forward pass on x [B,28,28,1] in [−1, 1]. Works on any map of tensors, so it can run inside
 * tf.grads.
 */
export function classifierForward(
  params: ReadonlyMap<string, tf.Tensor>,
  x: tf.Tensor4D,
): ClassifierOutput {
  return tf.tidy(() => {
    let h: tf.Tensor4D = x;
    for (const c of CONVS) {
      const w = param(params, `${c.name}.w`) as tf.Tensor4D;
      const a = tf.relu(tf.add(conv3x3(h, w), param(params, `${c.name}.b`))) as tf.Tensor4D;
      h = tf.maxPool(a, 2, 2, 'same');
    }
    const flat = tf.reshape(h, [x.shape[0], FLAT]);
    const features = tf.relu(
      tf.add(tf.matMul(flat, param(params, 'fc1.w') as tf.Tensor2D), param(params, 'fc1.b')),
    ) as tf.Tensor2D;
    const logits = tf.add(
      tf.matMul(features, param(params, 'fc2.w') as tf.Tensor2D),
      param(params, 'fc2.b'),
    ) as tf.Tensor2D;
    return { logits, features };
  });
}

function oneHot(labels: Int32Array): tf.Tensor2D {
  const values = new Float32Array(labels.length * NUM_CLASSES);
  labels.forEach((l, i) => (values[i * NUM_CLASSES + l] = 1));
  return tf.tensor2d(values, [labels.length, NUM_CLASSES]);
}

/** Mean cross-entropy from logits, via logSoftmax (no tf.losses). */
export function crossEntropy(logits: tf.Tensor2D, target: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), target), 1))));
}

/** Digits as [n·784] in [−1, 1] (batchFrom's x0) with their labels. */
export interface LabelledDigits {
  readonly x: Float32Array;
  readonly labels: Int32Array;
}

export interface TrainClassifierOptions {
  readonly set: LabelledDigits;
  readonly steps: number;
  readonly batch: number;
  /** Peak learning rate; cosine-decayed to 5% of it over `steps`. */
  readonly lr: number;
  readonly seed: number;
  /** Random translation of up to this many pixels per digit (augmentation); default 2. */
  readonly maxShift?: number;
  /** Called every `progressEvery` steps (and at the last) with the current loss. */
  readonly onProgress?: (step: number, loss: number) => void;
  readonly progressEvery?: number;
  /** Continue from these weights instead of a fresh init (they are trained in place). */
  readonly init?: ClassifierParams;
}

/** Copies digit `src` into `dst` at `at`, translated by (dy, dx), background (−1) filled in. */
function shiftedDigit(
  x: Float32Array,
  src: number,
  dst: Float32Array,
  at: number,
  dy: number,
  dx: number,
) {
  const base = src * PIXELS;
  for (let r = 0; r < IMAGE_SIZE; r++) {
    const sr = r - dy;
    for (let c = 0; c < IMAGE_SIZE; c++) {
      const sc = c - dx;
      dst[at + r * IMAGE_SIZE + c] =
        sr >= 0 && sr < IMAGE_SIZE && sc >= 0 && sc < IMAGE_SIZE
          ? (x[base + sr * IMAGE_SIZE + sc] ?? -1)
          : -1;
    }
  }
}

/** Trains with Adam on shuffled epochs of `set` (random shifts as augmentation). */
export async function trainClassifier(opts: TrainClassifierOptions): Promise<ClassifierParams> {
  const { set, steps, batch, lr, seed } = opts;
  const n = set.labels.length;
  if (set.x.length !== n * PIXELS) throw new Error('trainClassifier: x and labels do not match');
  if (n === 0) throw new Error('trainClassifier: no digits');
  const maxShift = opts.maxShift ?? 2;
  const every = opts.progressEvery ?? 50;
  const params = opts.init ?? initClassifier(seed);
  const names = [...params.keys()];
  const vars = names.map((k) => param(params, k) as tf.Variable);
  const adam = new Adam(params, {});
  const rng = mulberry32(seed ^ 0x5eed);
  const order = Array.from({ length: n }, (_, i) => i);
  let cursor = n;
  const xb = new Float32Array(batch * PIXELS);
  const yb = new Int32Array(batch);
  const lossOf = (...ws: tf.Tensor[]) => {
    const map = new Map(names.map((k, i) => [k, ws[i] ?? param(params, k)]));
    return (xt: tf.Tensor4D, target: tf.Tensor2D) =>
      crossEntropy(classifierForward(map, xt).logits, target);
  };
  try {
    for (let step = 0; step < steps; step++) {
      for (let b = 0; b < batch; b++) {
        if (cursor >= n) {
          for (let i = n - 1; i > 0; i--) {
            const j = randomInt(rng, i + 1);
            [order[i], order[j]] = [order[j] ?? j, order[i] ?? i];
          }
          cursor = 0;
        }
        const id = order[cursor++] ?? 0;
        yb[b] = set.labels[id] ?? 0;
        const dy = maxShift > 0 ? randomInt(rng, 2 * maxShift + 1) - maxShift : 0;
        const dx = maxShift > 0 ? randomInt(rng, 2 * maxShift + 1) - maxShift : 0;
        shiftedDigit(set.x, id, xb, b * PIXELS, dy, dx);
      }
      const xt = tf.tensor4d(xb, [batch, IMAGE_SIZE, IMAGE_SIZE, 1]);
      const target = oneHot(yb);
      const { value, grads } = tf.valueAndGrads((...ws: tf.Tensor[]) => lossOf(...ws)(xt, target))(
        vars,
      );
      const gradMap = new Map(names.map((k, i) => [k, grads[i] as tf.Tensor]));
      const progress = (step + 1) % every === 0 || step === steps - 1;
      const loss = progress ? ((await value.data())[0] ?? NaN) : NaN;
      const t = steps > 1 ? step / (steps - 1) : 1;
      const rate = lr * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * t)));
      await adam.apply(gradMap, rate, 5);
      tf.dispose([xt, target, value, ...grads]);
      if (progress) opts.onProgress?.(step + 1, loss);
    }
  } catch (error) {
    if (!opts.init) disposeClassifier(params);
    throw error;
  } finally {
    adam.dispose();
  }
  return params;
}

export interface Predictions {
  /** [n·FEATURE_DIM] penultimate features. */
  readonly features: Float32Array;
  /** [n·10] softmax probabilities. */
  readonly probs: Float32Array;
}

/** Features and class probabilities of [n·784] digits in [−1, 1], in chunks of `chunk`. */
export async function classify(
  params: ClassifierParams,
  x: Float32Array,
  chunk = 250,
): Promise<Predictions> {
  const n = Math.floor(x.length / PIXELS);
  if (n * PIXELS !== x.length) throw new Error(`classify: ${x.length} values are not n·784`);
  const features = new Float32Array(n * FEATURE_DIM);
  const probs = new Float32Array(n * NUM_CLASSES);
  for (let s = 0; s < n; s += chunk) {
    const m = Math.min(chunk, n - s);
    const [f, p] = tf.tidy(() => {
      const xt = tf.tensor4d(x.subarray(s * PIXELS, (s + m) * PIXELS), [m, 28, 28, 1]);
      const out = classifierForward(params, xt);
      return [out.features, tf.softmax(out.logits)];
    });
    const [fv, pv] = await Promise.all([f.data(), p.data()]);
    tf.dispose([f, p]);
    features.set(fv as Float32Array, s * FEATURE_DIM);
    probs.set(pv as Float32Array, s * NUM_CLASSES);
  }
  return { features, probs };
}

/** Argmax class of each row of [n·10] probabilities. */
export function argmaxRows(probs: Float32Array): Int32Array {
  const n = probs.length / NUM_CLASSES;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < NUM_CLASSES; c++) {
      if ((probs[i * NUM_CLASSES + c] ?? 0) > (probs[i * NUM_CLASSES + best] ?? 0)) best = c;
    }
    out[i] = best;
  }
  return out;
}

/** Share of digits whose argmax class equals the label. */
export async function accuracy(
  params: ClassifierParams,
  x: Float32Array,
  labels: Int32Array,
): Promise<number> {
  const predicted = argmaxRows((await classify(params, x)).probs);
  if (predicted.length !== labels.length) throw new Error('accuracy: x and labels do not match');
  let right = 0;
  predicted.forEach((p, i) => (right += p === labels[i] ? 1 : 0));
  return labels.length > 0 ? right / labels.length : NaN;
}

export async function saveClassifier(
  params: ClassifierParams,
  meta: Omit<ClassifierConfig, 'kind' | 'version'>,
): Promise<Uint8Array> {
  const tensors = new Map<string, { shape: readonly number[]; values: Float32Array }>();
  for (const [name, shape] of CLASSIFIER_SHAPES) {
    const values = (await param(params, name).data()) as Float32Array;
    tensors.set(name, { shape, values });
  }
  const config: ClassifierConfig = { kind: 'mnist-classifier', version: 1, ...meta };
  return encodeCheckpoint({ config, tensors });
}

/** Reads a classifier checkpoint; throws a CheckpointError (clear message) if it is not one. */
export function loadClassifier(
  bytes: Uint8Array,
  name = 'the classifier file',
): { params: ClassifierParams; config: ClassifierConfig } {
  const { config, tensors } = decodeCheckpoint<ClassifierConfig>(bytes, name);
  if (config?.kind !== 'mnist-classifier' || config.version !== 1) {
    throw new Error(`${name} is not an MNIST classifier (version 1) checkpoint.`);
  }
  checkShapes(tensors, CLASSIFIER_SHAPES, name);
  const params = new Map<string, tf.Variable>();
  for (const [key, shape] of CLASSIFIER_SHAPES) {
    const t = tensors.get(key);
    if (!t) throw new Error(`${name}: missing ${key}`);
    params.set(key, variableFrom(t.values, shape));
  }
  return { params, config };
}
