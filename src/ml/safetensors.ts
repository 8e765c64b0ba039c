/**
 * The safetensors format (huggingface/safetensors), float32 only: an 8-byte little-endian header
 * length N, N bytes of JSON `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__:
 * {string: string}}` padded with spaces to a multiple of 8, then the tensors' bytes. No npm
 * package reads it without pulling in a runtime we do not need; the format is this small.
 */
export interface NamedTensor {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

export interface Safetensors {
  readonly tensors: ReadonlyMap<string, NamedTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

export class SafetensorsError extends Error {}

interface Entry {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data_offsets: readonly [number, number];
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function encodeSafetensors(
  tensors: ReadonlyMap<string, NamedTensor>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let at = 0;
  for (const [name, { shape, values }] of tensors) {
    if (values.length !== size(shape))
      throw new SafetensorsError(
        `${name}: ${values.length} values for shape [${shape.join(', ')}]`,
      );
    header[name] = { dtype: 'F32', shape: [...shape], data_offsets: [at, at + values.length * 4] };
    at += values.length * 4;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const n = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + n + at);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(n), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  let offset = 8 + n;
  for (const { values } of tensors.values()) {
    // Little-endian float32 whatever the platform's order (every platform tfjs runs on is LE).
    const bytes = new DataView(out.buffer, offset, values.length * 4);
    for (let i = 0; i < values.length; i++) bytes.setFloat32(i * 4, values[i] ?? 0, true);
    offset += values.length * 4;
  }
  return out;
}

/** Whether `bytes` start like a safetensors file (a sane header length, then a JSON object). */
export function looksLikeSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  return n > 1n && n <= BigInt(bytes.length - 8) && bytes[8] === 0x7b; // '{'
}

export function decodeSafetensors(bytes: Uint8Array, name = 'the file'): Safetensors {
  if (!looksLikeSafetensors(bytes))
    throw new SafetensorsError(`${name} is not a safetensors file.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<
      string,
      unknown
    >;
  } catch {
    throw new SafetensorsError(`${name} is damaged: its safetensors header is not valid JSON.`);
  }
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, NamedTensor>();
  const dataStart = 8 + n;
  for (const [key, value] of Object.entries(header)) {
    if (key === '__metadata__') {
      for (const [k, v] of Object.entries((value ?? {}) as Record<string, unknown>))
        if (typeof v === 'string') metadata[k] = v;
      continue;
    }
    const entry = value as Partial<Entry>;
    const shape = entry.shape;
    const offsets = entry.data_offsets;
    if (entry.dtype !== 'F32')
      throw new SafetensorsError(`${name}: ${key} is ${String(entry.dtype)}; only F32 is read.`);
    if (
      !Array.isArray(shape) ||
      !shape.every((d) => Number.isInteger(d) && d >= 0) ||
      !Array.isArray(offsets) ||
      offsets.length !== 2
    )
      throw new SafetensorsError(`${name}: ${key} has no valid shape and data offsets.`);
    const [begin, end] = offsets;
    if (end - begin !== size(shape) * 4 || dataStart + end > bytes.length || begin < 0)
      throw new SafetensorsError(`${name}: ${key}'s data does not fit its shape or the file.`);
    const values = new Float32Array(size(shape));
    const data = new DataView(bytes.buffer, bytes.byteOffset + dataStart + begin, end - begin);
    for (let i = 0; i < values.length; i++) values[i] = data.getFloat32(i * 4, true);
    tensors.set(key, { shape, values });
  }
  return { tensors, metadata };
}
