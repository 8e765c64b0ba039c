/** Loads the embedded MNIST digits once and serves digits by class and index. */
import { decodeMnist, digitPixels, gunzip, type MnistSet } from '../ml/mnist';
import { mulberry32, randomInt } from '../ml/random';

export class Dataset {
  private readonly rng = mulberry32(Date.now());

  private constructor(readonly set: MnistSet) {}

  /** A set of the learner's own images (worker/data-set-job.ts). */
  static of(set: MnistSet): Dataset {
    return new Dataset(set);
  }

  static async load(url: string): Promise<Dataset> {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`could not fetch ${url}: HTTP ${response.status}`);
    return new Dataset(decodeMnist(await gunzip(await response.arrayBuffer())));
  }

  perClass(): number[] {
    return this.set.byClass.map((ids) => ids.length);
  }

  pick(
    label: number | null,
    index: number | null,
  ): { label: number; index: number; pixels: Uint8Array } {
    const cls = label ?? randomInt(this.rng, 10);
    const ids = this.set.byClass[cls];
    if (!ids) throw new Error(`there is no class ${cls}; classes are 0–9`);
    const i = index ?? randomInt(this.rng, ids.length);
    const datasetIndex = ids[i];
    if (datasetIndex === undefined) {
      throw new Error(`class ${cls} has digits 0–${ids.length - 1}; there is no digit ${i}`);
    }
    return { label: cls, index: i, pixels: digitPixels(this.set, datasetIndex) };
  }
}
