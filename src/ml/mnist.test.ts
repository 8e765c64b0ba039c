import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchFrom, decodeMnist, digitPixels, gunzip, splitIndices, type MnistSet } from './mnist';

const FILE = new URL('../../public/data/mnist.bin', import.meta.url);

describe('embedded MNIST', () => {
  let set: MnistSet;
  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build-mnist.mjs']);
    set = decodeMnist(await gunzip(readFileSync(FILE)));
  });

  it('holds 10,000 labelled 28×28 digits of every class', () => {
    expect(set.count).toBe(10_000);
    expect([set.rows, set.cols]).toEqual([28, 28]);
    expect(set.byClass.map((ids) => ids.length).reduce((a, b) => a + b)).toBe(10_000);
    for (const ids of set.byClass) expect(ids.length).toBeGreaterThan(800);
  });

  it('pixels look like MNIST: dark background, bright strokes', () => {
    const digit = digitPixels(set, set.byClass[7]![0]!);
    expect(digit).toHaveLength(784);
    expect(digit[0]).toBe(0);
    expect(Math.max(...digit)).toBeGreaterThan(240);
    const lit = digit.filter((p) => p > 128).length;
    expect(lit).toBeGreaterThan(40);
    expect(lit).toBeLessThan(400);
  });

  it('rejects garbage, truncation and a wrong version with a clear message', () => {
    expect(() => decodeMnist(new Uint8Array(4))).toThrow(/truncated/);
    expect(() => decodeMnist(new Uint8Array(32))).toThrow(/magic/);
    const bytes = new Uint8Array(16 + 1 + 784);
    bytes.set([68, 80, 77, 78]);
    const view = new DataView(bytes.buffer);
    view.setUint32(4, 2, true);
    expect(() => decodeMnist(bytes)).toThrow(/version 2/);
    view.setUint32(4, 1, true);
    view.setUint32(8, 2, true);
    view.setUint16(12, 28, true);
    view.setUint16(14, 28, true);
    expect(() => decodeMnist(bytes)).toThrow(/expected/);
  });

  it('gunzip round-trips', async () => {
    const data = new Uint8Array([1, 2, 3, 250]);
    expect(await gunzip(gzipSync(data))).toEqual(data);
  });
});

describe('splits and batches', () => {
  it('holds out every 10th digit of each class, disjoint from training', async () => {
    execFileSync(process.execPath, ['scripts/build-mnist.mjs']);
    const set = decodeMnist(await gunzip(readFileSync(FILE)));
    const { train, heldOut } = splitIndices(set);
    expect(train.length + heldOut.length).toBe(10_000);
    expect(heldOut.length).toBeGreaterThan(950);
    expect(new Set([...train, ...heldOut]).size).toBe(10_000);
    const { x0, labels } = batchFrom(set, [heldOut[0]!, train[5]!]);
    expect(x0).toHaveLength(2 * 784);
    expect(Math.min(...x0)).toBe(-1);
    expect(Math.max(...x0)).toBeLessThanOrEqual(1);
    expect(labels[0]).toBe(set.labels[heldOut[0]!]);
  });
});
