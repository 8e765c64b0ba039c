/**
 * Packing tensors into one flat buffer and splitting it again as GPU buffer copies, on webgpu.
 *
 * Why: tfjs' Concat of n tensors runs ⌈n/7⌉-ish programs (a program binds at most a handful of
 * buffers) and its SplitV runs one Slice program per piece, so the optimizer's flatten and split
 * of the tiny UNet's 151 parameters cost ~220 compute dispatches a step, each with its uniform
 * buffer and bind group. copyBufferToBuffer on the backend's command encoder needs neither: no
 * pipeline, no bind group, no uniforms, just a recorded copy.
 *
 * The backend is reached through the fields tfjs-backend-webgpu 4.x has (duck typing, as ml/
 * imports no backend package); `copyBackend` returns null when they are missing, and the
 * callers then keep Concat/SplitV.
 */
import type * as tf from '@tensorflow/tfjs-core';

interface GPUBufferLike {
  readonly size: number;
}

interface CommandEncoderLike {
  copyBufferToBuffer(
    src: GPUBufferLike,
    srcOffset: number,
    dst: GPUBufferLike,
    dstOffset: number,
    size: number,
  ): void;
}

/** The parts of tfjs-backend-webgpu's WebGPUBackend that a buffer copy needs. */
export interface WebGPUCopyBackend {
  makeTensorInfo(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** Allocates the tensor's buffer (uploading values still held on the CPU). */
  uploadToGPU(dataId: tf.DataId): void;
  readonly tensorMap: { get(dataId: tf.DataId): { resource?: unknown } | undefined };
  ensureCommandEncoderReady(): void;
  /** A copy cannot be recorded inside an open compute pass. */
  endComputePassEncoder(): void;
  readonly commandEncoder: CommandEncoderLike | null;
  /**
   * Tensors used by commands not yet submitted: the backend defers freeing their buffers until
   * the submit, so a freed buffer is not handed out (and written by an upload) before the copy ran.
   */
  readonly commandQueueOwnedIds: WeakSet<tf.DataId>;
}

const METHODS = [
  'makeTensorInfo',
  'uploadToGPU',
  'ensureCommandEncoderReady',
  'endComputePassEncoder',
] as const;

/** The backend as a copy backend, or null when it lacks what copies need. */
export function copyBackend(backend: unknown): WebGPUCopyBackend | null {
  if (typeof backend !== 'object' || backend === null) return null;
  const b = backend as Record<string, unknown>;
  if (!METHODS.every((m) => typeof b[m] === 'function')) return null;
  if (
    !(b.tensorMap instanceof Object) ||
    typeof (b.tensorMap as Map<unknown, unknown>).get !== 'function'
  ) {
    return null;
  }
  if (!(b.commandQueueOwnedIds instanceof WeakSet)) return null;
  return backend as WebGPUCopyBackend;
}

function bufferOf(backend: WebGPUCopyBackend, t: tf.TensorInfo): GPUBufferLike {
  backend.uploadToGPU(t.dataId);
  const resource = backend.tensorMap.get(t.dataId)?.resource;
  if (typeof resource !== 'object' || resource === null || !('size' in resource)) {
    throw new Error('webgpu copy: tensor has no GPU buffer');
  }
  backend.commandQueueOwnedIds.add(t.dataId);
  return resource as GPUBufferLike;
}

function encoder(backend: WebGPUCopyBackend): CommandEncoderLike {
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  const enc = backend.commandEncoder;
  if (!enc) throw new Error('webgpu copy: no command encoder');
  return enc;
}

const BYTES = 4;

function checkFloat32(t: tf.TensorInfo, what: string): void {
  if (t.dtype !== 'float32') throw new Error(`${what}: float32 only, got ${t.dtype}`);
}

/** One flat float32 tensor holding `parts` one after another (row-major each). */
export function packCopy(
  backend: WebGPUCopyBackend,
  parts: readonly tf.TensorInfo[],
): tf.TensorInfo {
  const sizes = parts.map((p) => {
    checkFloat32(p, 'pack');
    return p.shape.reduce((a, d) => a * d, 1);
  });
  const total = sizes.reduce((a, n) => a + n, 0);
  const out = backend.makeTensorInfo([total], 'float32');
  if (total === 0) return out;
  const dst = bufferOf(backend, out);
  const sources = parts.map((p, i) => (sizes[i] ? bufferOf(backend, p) : null));
  const enc = encoder(backend);
  let offset = 0;
  sources.forEach((src, i) => {
    const n = sizes[i] ?? 0;
    if (src) enc.copyBufferToBuffer(src, 0, dst, offset * BYTES, n * BYTES);
    offset += n;
  });
  return out;
}

/** `flat` cut into consecutive 1-D pieces of `sizes` values (which must add up to its size). */
export function unpackCopy(
  backend: WebGPUCopyBackend,
  flat: tf.TensorInfo,
  sizes: readonly number[],
): tf.TensorInfo[] {
  checkFloat32(flat, 'unpack');
  const total = flat.shape.reduce((a, d) => a * d, 1);
  if (sizes.reduce((a, n) => a + n, 0) !== total) {
    throw new Error(`unpack: pieces of ${sizes.join('+')} do not make ${total}`);
  }
  const outs = sizes.map((n) => backend.makeTensorInfo([n], 'float32'));
  if (total === 0) return outs;
  const src = bufferOf(backend, flat);
  const targets = outs.map((o, i) => (sizes[i] ? bufferOf(backend, o) : null));
  const enc = encoder(backend);
  let offset = 0;
  targets.forEach((dst, i) => {
    const n = sizes[i] ?? 0;
    if (dst) enc.copyBufferToBuffer(src, offset * BYTES, dst, 0, n * BYTES);
    offset += n;
  });
  return outs;
}
