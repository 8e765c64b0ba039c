import '@tensorflow/tfjs-backend-wasm';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchFrom, decodeMnist, gunzip, splitIndices } from '../mnist';
import { type ClassifierParams, accuracy, disposeClassifier, loadClassifier } from './classifier';
import {
  type QualityReference,
  nearestDistances,
  quantile,
  qualityReference,
  qualityReport,
} from './quality';

const DATA = new URL('../../../public/data/mnist.bin', import.meta.url);
const MODEL = new URL('../../../public/models/classifier/classifier.dpmodel', import.meta.url);

describe('quality report with the shipped classifier', () => {
  let classifier: ClassifierParams;
  let heldOutAccuracy: number;
  let trainX: Float32Array;
  let heldOut: { x0: Float32Array; labels: Int32Array };
  /** Held-out digits split in two: one half plays "generated", the other the real reference. */
  let fakeGen: { x0: Float32Array; labels: Int32Array };
  let realRef: Float32Array;
  let reference: QualityReference;

  beforeAll(async () => {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    expect(await tf.setBackend('wasm')).toBe(true);
    execFileSync(process.execPath, ['scripts/build-mnist.mjs']);
    const set = decodeMnist(await gunzip(readFileSync(DATA)));
    const split = splitIndices(set);
    trainX = batchFrom(set, split.train).x0;
    heldOut = batchFrom(set, split.heldOut);
    fakeGen = batchFrom(
      set,
      split.heldOut.filter((_, i) => i % 2 === 0),
    );
    realRef = batchFrom(
      set,
      split.heldOut.filter((_, i) => i % 2 === 1),
    ).x0;
    const loaded = loadClassifier(new Uint8Array(readFileSync(MODEL)));
    classifier = loaded.params;
    heldOutAccuracy = loaded.config.heldOutAccuracy;
    reference = await qualityReference(classifier, realRef, trainX, 1);
  }, 60_000);

  afterAll(() => disposeClassifier(classifier));

  it('the shipped classifier is ≥ 98% right on the held-out digits', async () => {
    const acc = await accuracy(classifier, heldOut.x0, heldOut.labels);
    expect(acc).toBeGreaterThanOrEqual(0.98);
    expect(acc).toBeCloseTo(heldOutAccuracy, 6);
  });

  it('scores real held-out digits like real data', async () => {
    const before = tf.memory().numTensors;
    const report = await qualityReport({
      classifier,
      generated: fakeGen.x0,
      requestedLabels: fakeGen.labels,
      realHeldOut: realRef,
      trainSet: trainX,
      reference,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(report.samples).toBe(fakeGen.labels.length);
    expect(report.classAccuracy).toBeGreaterThan(0.97);
    expect(report.meanConfidence).toBeGreaterThan(0.9);
    expect(report.predictedCounts.reduce((a, b) => a + b)).toBe(report.samples);
    // Real vs real: KID at the noise level of the floor.
    const noise = Math.max(Math.abs(report.kidRealFloor), 1e-3);
    expect(Math.abs(report.kid)).toBeLessThan(5 * noise);
    // New real digits are rarely nearer a training digit than the 1st percentile.
    expect(report.memorisation).toBeLessThan(0.05);

    // Digits scrambled to noise-like images are far from real, and no class is confident.
    const scrambled = fakeGen.x0.map((_, i) => fakeGen.x0[(i * 7919) % fakeGen.x0.length]!);
    const bad = await qualityReport({
      classifier,
      generated: scrambled,
      realHeldOut: realRef,
      trainSet: trainX,
      reference,
    });
    expect(bad.classAccuracy).toBeUndefined();
    expect(bad.kid).toBeGreaterThan(20 * noise);
    expect(bad.kid).toBeGreaterThan(20 * Math.abs(report.kid));
    expect(bad.memorisation).toBe(0);
  }, 30_000);

  it('flags exact copies of training digits as memorised', async () => {
    const picked = new Float32Array(100 * 784);
    for (let k = 0; k < 100; k++) {
      const id = (k * 89) % (trainX.length / 784);
      picked.set(trainX.subarray(id * 784, (id + 1) * 784), k * 784);
    }
    const report = await qualityReport({
      classifier,
      generated: picked,
      realHeldOut: realRef,
      trainSet: trainX,
      reference,
    });
    expect(report.memorisation).toBe(1);
    expect(report.memorisationThreshold).toBeGreaterThan(1);
  }, 30_000);

  it('computes nearest distances and quantiles like a direct loop', async () => {
    const q = new Float32Array(3 * 784).map((_, i) => Math.sin(i));
    const r = new Float32Array(5 * 784).map((_, i) => Math.cos(i * 0.3));
    const got = await nearestDistances(q, r, 2);
    for (let a = 0; a < 3; a++) {
      let best = Infinity;
      for (let b = 0; b < 5; b++) {
        let s = 0;
        for (let p = 0; p < 784; p++) s += (q[a * 784 + p]! - r[b * 784 + p]!) ** 2;
        best = Math.min(best, Math.sqrt(s));
      }
      expect(got[a]).toBeCloseTo(best, 2);
    }
    expect(quantile(Float32Array.of(4, 1, 3, 2, 5), 0.25)).toBe(2);
    expect(quantile(Float32Array.of(0, 10), 0.01)).toBeCloseTo(0.1, 6);
  });
});
