/**
 * One-file model checkpoints: "DPCK", u32 format version, u32 header length, a JSON header (our
 * config plus a tfjs-style weights manifest: names, shapes, dtypes in data order), zero padding
 * to a 4-byte boundary, then the float32 data. Pure code: no tfjs, no DOM, so the page, the worker,
 * the CLI and tests all read the same format.
 */
export const CHECKPOINT_MAGIC = 'DPCK';
export const CHECKPOINT_VERSION = 1;
export const CHECKPOINT_EXTENSION = '.dpmodel';

export interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32';
}

export interface CheckpointHeader<C> {
  readonly format: 'diffusion-playground-checkpoint';
  readonly version: number;
  readonly config: C;
  /** Same shape as a tfjs model.json weightsManifest entry, with the data in this file. */
  readonly weightsManifest: readonly [
    { readonly paths: readonly string[]; readonly weights: readonly WeightSpec[] },
  ];
}

export interface Checkpoint<C> {
  readonly config: C;
  readonly tensors: ReadonlyMap<
    string,
    { readonly shape: readonly number[]; readonly values: Float32Array }
  >;
}

export class CheckpointError extends Error {}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function encodeCheckpoint<C>(checkpoint: Checkpoint<C>): Uint8Array {
  const weights: WeightSpec[] = [];
  let floats = 0;
  for (const [name, { shape, values }] of checkpoint.tensors) {
    if (values.length !== size(shape)) {
      throw new CheckpointError(`${name}: ${values.length} values for shape [${shape.join(', ')}]`);
    }
    weights.push({ name, shape: [...shape], dtype: 'float32' });
    floats += values.length;
  }
  const header: CheckpointHeader<C> = {
    format: 'diffusion-playground-checkpoint',
    version: CHECKPOINT_VERSION,
    config: checkpoint.config,
    weightsManifest: [{ paths: [], weights }],
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataOffset = Math.ceil((12 + json.length) / 4) * 4;
  const out = new Uint8Array(dataOffset + floats * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = CHECKPOINT_MAGIC.charCodeAt(i);
  view.setUint32(4, CHECKPOINT_VERSION, true);
  view.setUint32(8, json.length, true);
  out.set(json, 12);
  const data = new Float32Array(out.buffer, dataOffset, floats);
  let at = 0;
  for (const { values } of checkpoint.tensors.values()) {
    data.set(values, at);
    at += values.length;
  }
  return out;
}

/** Reads a checkpoint, or throws a CheckpointError whose message a learner can act on. */
export function decodeCheckpoint<C>(bytes: Uint8Array, name = 'the file'): Checkpoint<C> {
  const notOurs = `${name} is not a Diffusion Playground model (${CHECKPOINT_EXTENSION}) file`;
  if (bytes.length < 12) throw new CheckpointError(`${notOurs}: it is too short.`);
  if (String.fromCharCode(...bytes.subarray(0, 4)) !== CHECKPOINT_MAGIC)
    throw new CheckpointError(`${notOurs}.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(
      `${name} was written in model format version ${version}; this app reads version ${CHECKPOINT_VERSION}.`,
    );
  }
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length)
    throw new CheckpointError(`${name} is truncated (header cut off).`);
  let header: CheckpointHeader<C>;
  try {
    header = JSON.parse(
      new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)),
    ) as CheckpointHeader<C>;
  } catch {
    throw new CheckpointError(`${name} is damaged: its header is not valid JSON.`);
  }
  const weights = header.weightsManifest?.[0]?.weights;
  if (header.format !== 'diffusion-playground-checkpoint' || !Array.isArray(weights)) {
    throw new CheckpointError(`${notOurs}: its header has no weights manifest.`);
  }
  const dataOffset = Math.ceil((12 + headerLength) / 4) * 4;
  const floats = weights.reduce((n, w) => n + size(w.shape), 0);
  if (bytes.length !== dataOffset + floats * 4) {
    throw new CheckpointError(
      `${name} is truncated or padded: ${bytes.length} bytes where its manifest needs ${dataOffset + floats * 4}.`,
    );
  }
  // Copy so the tensors do not pin (or alias) the caller's buffer, and to get 4-byte alignment.
  const data = new Float32Array(bytes.slice(dataOffset).buffer);
  const tensors = new Map<string, { shape: readonly number[]; values: Float32Array }>();
  let at = 0;
  for (const w of weights) {
    if (w.dtype !== 'float32')
      throw new CheckpointError(`${name}: ${w.name} has dtype ${w.dtype}, expected float32.`);
    const n = size(w.shape);
    tensors.set(w.name, { shape: w.shape, values: data.subarray(at, at + n) });
    at += n;
  }
  return { config: header.config, tensors };
}

/**
 * Checks that a checkpoint holds exactly the expected tensors with the expected shapes, so a
 * file for another preset is refused before anything is replaced.
 */
/** Refuses weights with NaN or ±∞ (a model saved from a diverged run, or a damaged file). */
export function checkFinite(tensors: Checkpoint<unknown>['tensors'], name = 'the file'): void {
  for (const [key, t] of tensors) {
    if (!t.values.every(Number.isFinite)) {
      throw new CheckpointError(
        `${name} holds NaN or infinite values (in ${key}): it cannot be used.`,
      );
    }
  }
}

export function checkShapes(
  tensors: Checkpoint<unknown>['tensors'],
  expected: ReadonlyMap<string, readonly number[]>,
  name = 'the file',
): void {
  const missing = [...expected.keys()].filter((k) => !tensors.has(k));
  if (missing.length > 0) {
    throw new CheckpointError(
      `${name} does not fit this model: ${missing.length} weights missing (e.g. ${missing[0]}).`,
    );
  }
  for (const [key, shape] of expected) {
    const got = tensors.get(key)?.shape ?? [];
    if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) {
      throw new CheckpointError(
        `${name} does not fit this model: ${key} has shape [${got.join(', ')}], expected [${shape.join(', ')}].`,
      );
    }
  }
}
