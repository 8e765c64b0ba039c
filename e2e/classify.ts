/**
 * Reads digits off a sample grid on screen and classifies them in the test process with the MNIST
 * classifier the app ships (src/ml/metrics), on tfjs's cpu backend.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { readFile } from 'node:fs/promises';
import { accuracy, disposeClassifier, loadClassifier } from '../src/ml/metrics/classifier';

const SIZE = 28;
const GAP = 2;

/** Cuts a grid of `count` digits (28 px, 2 px gaps, `cols` per row) into [-1, 1] images. */
export function cutGrid(pixels: readonly number[], count: number, cols: number): Float32Array {
  const width = cols * SIZE + (cols - 1) * GAP;
  const out = new Float32Array(count * SIZE * SIZE);
  for (let i = 0; i < count; i++) {
    const x0 = (i % cols) * (SIZE + GAP);
    const y0 = Math.floor(i / cols) * (SIZE + GAP);
    for (let y = 0; y < SIZE; y++)
      for (let x = 0; x < SIZE; x++)
        out[i * SIZE * SIZE + y * SIZE + x] = (pixels[(y0 + y) * width + x0 + x] ?? 0) / 127.5 - 1;
  }
  return out;
}

/** Share of the digits the shipped classifier reads as `label`. */
export async function shareClassifiedAs(digits: Float32Array, label: number): Promise<number> {
  await tf.setBackend('cpu');
  const file = new URL('../public/models/classifier/classifier.dpmodel', import.meta.url);
  const { params } = loadClassifier(new Uint8Array(await readFile(file)));
  try {
    const n = digits.length / (SIZE * SIZE);
    return await accuracy(params, digits, new Int32Array(n).fill(label));
  } finally {
    disposeClassifier(params);
  }
}
