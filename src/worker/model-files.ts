/**
 * Model files in and out of the worker: a learner's file read and checked, the model written as
 * our .dpmodel or as a PyTorch export, and the published default model fetched. Bytes only: the
 * model's lifecycle (model-lifecycle.ts) decides what becomes the current model.
 */
import { encodeCheckpoint, type Checkpoint } from '../ml/checkpoint';
import { decodeModelFile } from '../ml/model-file';
import { TORCH_EXPORT_EXTENSION, encodeTorchExport } from '../ml/torch-export';
import type { ModelMeta } from '../ml/train/snapshot';
import type { UNetConfig } from '../ml/unet/config';
import type { TrainSettings } from '../shared/train-protocol';
import { checkedMeta } from './checked-meta';

type Meta = ModelMeta<TrainSettings>;

export function modelFileName(meta: Pick<Meta, 'settings' | 'step'>): string {
  const s = meta.settings;
  return `dp-model_${s.preset}_${s.prediction}_${s.schedule.kind}${s.schedule.zeroTerminalSnr ? '-zsnr' : ''}-T${s.schedule.T}_step${meta.step}.dpmodel`;
}

/** Our .dpmodel, or a model exported for (and perhaps trained further in) PyTorch, checked. */
export async function readModelFile(file: Blob, name: string): Promise<Checkpoint<unknown>> {
  const ckpt = decodeModelFile(new Uint8Array(await file.arrayBuffer()), `“${name}”`);
  checkedMeta(ckpt, `“${name}”`);
  return ckpt;
}

export function writeModelFile(
  ckpt: Checkpoint<Meta>,
  config: UNetConfig,
  format?: 'pytorch',
): { bytes: Uint8Array; name: string } {
  const name = modelFileName(ckpt.config);
  if (format !== 'pytorch') return { bytes: encodeCheckpoint(ckpt), name };
  return {
    bytes: encodeTorchExport(ckpt, config),
    name: name.replace(/\.dpmodel$/, TORCH_EXPORT_EXTENSION),
  };
}

/**
 * The published default model's bytes and card; null when none is published (a fork that has
 * not run `npm run pretrain`). Throws a message in words when it cannot be fetched.
 */
export async function fetchDefaultModel(
  fetchFile: (file: string) => Promise<Response>,
): Promise<{ bytes: Uint8Array; card: unknown } | null> {
  try {
    const response = await fetchFile('model.dpmodel');
    if (!response.ok) return null;
    const bytes = new Uint8Array(await response.arrayBuffer());
    const cardResponse = await fetchFile('card.json');
    const card: unknown = cardResponse.ok ? await cardResponse.json().catch(() => null) : null;
    return { bytes, card };
  } catch (error) {
    throw new Error(
      `The pretrained default model could not be fetched (${String(error)}): train a new one.`,
      { cause: error },
    );
  }
}
