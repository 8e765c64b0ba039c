/**
 * "Export for PyTorch": a model as the zip python/diffusion_playground loads — `config.json`
 * (our model meta and the UNet's sizes) and `model.safetensors` (the weights in PyTorch's
 * state-dict names and layouts: conv [out, in, kh, kw], linear [out, in]) — and such a zip, or its
 * `model.safetensors` alone, read back as our checkpoint. One zip, not two downloads, so a model
 * stays one file to keep and to pick in "Load model file"; inside, it is the folder layout Hugging
 * Face tools use. Pure code (no tfjs, no DOM): the worker, the CLI and tests share it.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { CheckpointError, type Checkpoint } from './checkpoint';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from './safetensors';
import type { ModelMeta } from './train/snapshot';
import type { UNetConfig } from './unet/config';
import { paramShapes } from './unet/layout';

export const TORCH_FORMAT = 'diffusion-playground-torch';
export const TORCH_FORMAT_VERSION = 1;
export const TORCH_EXPORT_EXTENSION = '.zip';
export const TORCH_WEIGHTS_FILE = 'model.safetensors';
export const TORCH_CONFIG_FILE = 'config.json';

/** config.json of an export. */
export interface TorchExportConfig {
  readonly format: typeof TORCH_FORMAT;
  readonly version: number;
  readonly unet: UNetConfig;
  readonly model: ModelMeta<unknown>;
}

/** Our checkpoint's tensor groups and the export's. */
const GROUPS: readonly (readonly [string, string])[] = [
  ['params', 'model'],
  ['ema', 'ema'],
  ['adam.m', 'adam.exp_avg'],
  ['adam.v', 'adam.exp_avg_sq'],
];

const LEAF: Readonly<Record<string, string>> = {
  w: 'weight',
  b: 'bias',
  gamma: 'weight',
  beta: 'bias',
};

/** Our parameter name → the PyTorch UNet's state-dict key (python/diffusion_playground/unet.py). */
export function torchKey(name: string, levels: number): string {
  const parts = name.split('.');
  const leaf = parts.pop() ?? '';
  const path = parts
    .join('.')
    .replace(/^temb\./, '')
    .replace(/^convIn$/, 'conv_in')
    .replace(/^down(\d+)\.res(\d+)/, 'down.$1.res.$2')
    .replace(/^down(\d+)\.downsample$/, 'down.$1.resample')
    .replace(/^mid\.res0/, 'mid0')
    .replace(/^mid\.res1/, 'mid1')
    .replace(/^mid\.attn/, 'attn')
    // PyTorch's up list runs from the deepest level up.
    .replace(/^up(\d+)\.res(\d+)/, (_, l: string, j: string) => `up.${levels - 1 - +l}.res.${j}`)
    .replace(/^up(\d+)\.upsample$/, (_, l: string) => `up.${levels - 1 - +l}.resample`)
    .replace(/^out\.norm$/, 'out_norm')
    .replace(/^out\.conv$/, 'out_conv');
  if (name === 'label.table') return 'table';
  const torchLeaf = LEAF[leaf];
  if (torchLeaf === undefined) throw new Error(`no PyTorch name for ${name}`);
  return `${path}.${torchLeaf}`;
}

/** [kh, kw, cin, cout] ↔ [cout, cin, kh, kw] and [cin, cout] ↔ [cout, cin]; others as they are. */
function relayout(t: NamedTensor, toTorch: boolean): NamedTensor {
  const { shape, values } = t;
  const out = new Float32Array(values.length);
  if (shape.length === 4) {
    const [a, b, c, d] = shape as [number, number, number, number];
    // toTorch: from [kh, kw, cin, cout] (a, b, c, d) to [cout, cin, kh, kw]; back: the inverse.
    if (toTorch) {
      for (let i = 0; i < a; i++)
        for (let j = 0; j < b; j++)
          for (let k = 0; k < c; k++)
            for (let l = 0; l < d; l++)
              out[((l * c + k) * a + i) * b + j] = values[((i * b + j) * c + k) * d + l] ?? 0;
      return { shape: [d, c, a, b], values: out };
    }
    // from [cout, cin, kh, kw] (a, b, c, d) to [kh, kw, cin, cout]
    for (let l = 0; l < a; l++)
      for (let k = 0; k < b; k++)
        for (let i = 0; i < c; i++)
          for (let j = 0; j < d; j++)
            out[((i * d + j) * b + k) * a + l] = values[((l * b + k) * c + i) * d + j] ?? 0;
    return { shape: [c, d, b, a], values: out };
  }
  if (shape.length === 2) {
    const [r, c] = shape as [number, number];
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = values[i * c + j] ?? 0;
    return { shape: [c, r], values: out };
  }
  return { shape: [...shape], values: values.slice() };
}

/** The label table is [classes, E] in both: an embedding, not a linear layer. */
const convert = (name: string, t: NamedTensor, toTorch: boolean) =>
  name === 'label.table' ? { shape: [...t.shape], values: t.values.slice() } : relayout(t, toTorch);

/** Our checkpoint (weights, EMA and, when present, Adam's moments) as an export zip. */
export function encodeTorchExport(
  ckpt: Checkpoint<ModelMeta<unknown>>,
  unet: UNetConfig,
): Uint8Array {
  const levels = unet.channels.length;
  const tensors = new Map<string, NamedTensor>();
  for (const [ours, theirs] of GROUPS) {
    for (const [key, t] of ckpt.tensors) {
      if (!key.startsWith(`${ours}/`)) continue;
      const name = key.slice(ours.length + 1);
      tensors.set(`${theirs}.${torchKey(name, levels)}`, convert(name, t, true));
    }
  }
  const config: TorchExportConfig = {
    format: TORCH_FORMAT,
    version: TORCH_FORMAT_VERSION,
    unet,
    model: ckpt.config,
  };
  const json = JSON.stringify(config);
  const weights = encodeSafetensors(tensors, { format: 'pt', config: json });
  // Stored, not deflated: float32 weights barely compress and the zip stays instant to write.
  return zipSync(
    { [TORCH_CONFIG_FILE]: strToU8(json), [TORCH_WEIGHTS_FILE]: weights },
    { level: 0 },
  );
}

export function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function parseConfig(json: string, name: string): TorchExportConfig {
  let config: Partial<TorchExportConfig>;
  try {
    config = JSON.parse(json) as Partial<TorchExportConfig>;
  } catch {
    throw new CheckpointError(`${name} is damaged: its ${TORCH_CONFIG_FILE} is not valid JSON.`);
  }
  if (config.format !== TORCH_FORMAT || !config.unet || !config.model)
    throw new CheckpointError(`${name} is not a Diffusion Playground export for PyTorch.`);
  if (config.version !== TORCH_FORMAT_VERSION) {
    throw new CheckpointError(
      `${name} is export version ${String(config.version)}; this app reads version ${TORCH_FORMAT_VERSION}.`,
    );
  }
  return config as TorchExportConfig;
}

/** An export zip, or its model.safetensors alone, as our checkpoint (meta and tensor names). */
export function decodeTorchExport(bytes: Uint8Array, name = 'the file'): Checkpoint<unknown> {
  let weights = bytes;
  let configJson: string | undefined;
  if (isZip(bytes)) {
    let files: Record<string, Uint8Array>;
    try {
      files = unzipSync(bytes);
    } catch (error) {
      throw new CheckpointError(`${name} is a damaged zip file (${String(error)}).`);
    }
    const w = files[TORCH_WEIGHTS_FILE];
    const c = files[TORCH_CONFIG_FILE];
    if (!w || !c) {
      throw new CheckpointError(
        `${name} is a zip without ${TORCH_WEIGHTS_FILE} and ${TORCH_CONFIG_FILE}: not a model exported for PyTorch.`,
      );
    }
    weights = w;
    configJson = strFromU8(c);
  }
  let file;
  try {
    file = decodeSafetensors(weights, name);
  } catch (error) {
    throw new CheckpointError(error instanceof Error ? error.message : String(error));
  }
  configJson ??= file.metadata.config;
  if (configJson === undefined)
    throw new CheckpointError(
      `${name} is a safetensors file without a Diffusion Playground config.`,
    );
  const config = parseConfig(configJson, name);
  let shapes;
  try {
    shapes = paramShapes(config.unet);
  } catch (error) {
    throw new CheckpointError(`${name}: its UNet sizes are not valid (${String(error)}).`);
  }
  const levels = config.unet.channels.length;
  const byTorchKey = new Map([...shapes.keys()].map((ours) => [torchKey(ours, levels), ours]));
  const tensors = new Map<string, NamedTensor>();
  for (const [key, t] of file.tensors) {
    const group = GROUPS.find(([, theirs]) => key.startsWith(`${theirs}.`));
    const ours = group && byTorchKey.get(key.slice(group[1].length + 1));
    if (!group || ours === undefined)
      throw new CheckpointError(`${name} holds a tensor this model does not have: ${key}.`);
    tensors.set(`${group[0]}/${ours}`, convert(ours, t, false));
  }
  return { config: config.model, tensors };
}
