/**
 * Shared pieces of the CLI commands: paths, the backend choice, MNIST loading, model files and
 * the trainer built from TrainSettings exactly as the app's worker does (src/worker/train-job.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Checkpoint } from '../src/ml/checkpoint';
import { decodeModelFile } from '../src/ml/model-file';
import { decodeMnist, gunzip, type MnistSet } from '../src/ml/mnist';
import { modelMeta, type ModelMeta } from '../src/ml/train/snapshot';
import { trainerFromSettings } from '../src/ml/train/from-settings';
import type { Trainer } from '../src/ml/train/step';
import {
  BackendUnavailableError,
  reexecWithDawnEnv,
  setupNodeBackend,
  type NodeBackend,
  type NodeBackendName,
} from '../src/node/backends';
import type { TrainSettings } from '../src/shared/train-protocol';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const MNIST_PATH = join(ROOT, 'public', 'data', 'mnist.bin');
export const MODEL_FILE = 'model.dpmodel';
export const CARD_FILE = 'card.json';

export type Meta = ModelMeta<TrainSettings>;

/** An error whose message is for the user (printed without a stack), with an exit status. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const log = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * The backend asked for, or (undefined) webgpu through Dawn when it finds a GPU adapter, else
 * wasm. The default skips SwiftShader (Vulkan on the CPU): measured here it trains the tiny preset
 * ~40× slower than wasm, so it is used only when asked for with --backend webgpu. Call before any
 * other work: --backend webgpu may restart the process with Dawn's SwiftShader environment.
 */
export async function chooseBackend(requested: NodeBackendName | undefined): Promise<NodeBackend> {
  if (requested === 'webgpu') reexecWithDawnEnv();
  if (requested !== undefined) {
    try {
      return await setupNodeBackend(requested);
    } catch (error) {
      if (error instanceof BackendUnavailableError)
        throw new CliError(`backend ${requested} is unavailable: ${error.message}`);
      throw error;
    }
  }
  try {
    const gpu = await setupNodeBackend('webgpu');
    if (!/swiftshader/i.test(gpu.adapterInfo ?? '')) return gpu;
    log('webgpu: Dawn found only SwiftShader (a CPU emulation); using wasm');
  } catch (error) {
    if (!(error instanceof BackendUnavailableError)) throw error;
    log(`webgpu unavailable (${error.message.split(';')[0] ?? ''}); using wasm`);
  }
  return await setupNodeBackend('wasm');
}

export function describeBackend(b: NodeBackend): string {
  return b.adapterInfo ? `${b.backend} (${b.adapterInfo})` : b.backend;
}

export { presetConfig } from '../src/ml/train/from-settings';

/** The trainer the app's worker builds for these settings. */
export function buildTrainer(settings: TrainSettings, backend: NodeBackendName): Trainer {
  return trainerFromSettings(settings, backend);
}

/** public/data/mnist.bin, built first (scripts/build-mnist.mjs) when it is missing. */
export async function loadMnist(): Promise<MnistSet> {
  if (!existsSync(MNIST_PATH)) {
    log(`${MNIST_PATH} is missing: running scripts/build-mnist.mjs`);
    const child = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-mnist.mjs')], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (child.status !== 0 || !existsSync(MNIST_PATH))
      throw new CliError('could not build the MNIST data (node scripts/build-mnist.mjs failed)');
  }
  return decodeMnist(await gunzip(readFileSync(MNIST_PATH)));
}

/** A model directory (holding model.dpmodel) or a .dpmodel file. */
export function modelPath(dirOrFile: string): string {
  const path = resolve(dirOrFile);
  if (!existsSync(path)) throw new CliError(`model not found: ${dirOrFile}`);
  if (statSync(path).isDirectory()) {
    const file = join(path, MODEL_FILE);
    if (!existsSync(file)) throw new CliError(`no ${MODEL_FILE} in ${dirOrFile}`);
    return file;
  }
  return path;
}

export function readModel(path: string): { ckpt: Checkpoint<Meta>; meta: Meta } {
  try {
    // A .dpmodel, or a model exported for (or trained further in) PyTorch.
    const ckpt = decodeModelFile(new Uint8Array(readFileSync(path)), path);
    const meta = modelMeta<TrainSettings>(ckpt, path);
    return { ckpt: ckpt as Checkpoint<Meta>, meta };
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
}
