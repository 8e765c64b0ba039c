/**
 * Packing tensors into one flat buffer and splitting it again as GPU buffer copies, on webgpu.
 *
 * Why: tfjs' Concat of n tensors runs ⌈n/7⌉-ish programs (a program binds at most a handful of
 * buffers) and its SplitV runs one Slice program per piece, so the optimizer's flatten and split
 * of the tiny UNet's 151 parameters cost ~220 compute dispatches a step, each with its uniform
 * buffer and bind group. copyBufferToBuffer on the backend's command encoder needs neither: no
 * pipeline, no bind group, no uniforms, just a recorded copy.
 *
 * The backend's command encoder and tensor buffers are tfjs' private members, reached through
 * ml/replay/tfjs-internals.ts (`bufferCopies`), which hands out nothing on another tfjs version;
 * the callers then keep Concat/SplitV.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { BufferCopies } from '../replay/tfjs-internals';

const BYTES = 4;

function checkFloat32(t: tf.TensorInfo, what: string): void {
  if (t.dtype !== 'float32') throw new Error(`${what}: float32 only, got ${t.dtype}`);
}

/** One flat float32 tensor holding `parts` one after another (row-major each). */
export function packCopy(backend: BufferCopies, parts: readonly tf.TensorInfo[]): tf.TensorInfo {
  const sizes = parts.map((p) => {
    checkFloat32(p, 'pack');
    return p.shape.reduce((a, d) => a * d, 1);
  });
  const total = sizes.reduce((a, n) => a + n, 0);
  const out = backend.makeTensorInfo([total], 'float32');
  if (total === 0) return out;
  const dst = backend.bufferFor(out);
  const sources = parts.map((p, i) => (sizes[i] ? backend.bufferFor(p) : null));
  const enc = backend.encoder();
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
  backend: BufferCopies,
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
  const src = backend.bufferFor(flat);
  const targets = outs.map((o, i) => (sizes[i] ? backend.bufferFor(o) : null));
  const enc = backend.encoder();
  let offset = 0;
  targets.forEach((dst, i) => {
    const n = sizes[i] ?? 0;
    if (dst) enc.copyBufferToBuffer(src, offset * BYTES, dst, 0, n * BYTES);
    offset += n;
  });
  return outs;
}
