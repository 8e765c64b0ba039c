/**
 * One flat float32 buffer over all named parameters. Optimizer and EMA math on a single buffer
 * costs a handful of kernels instead of a handful per parameter, and kernel dispatch is what
 * dominates a tfjs training step (docs/ARCHITECTURE.md, "Measured on these machines").
 */
import * as tf from '@tensorflow/tfjs-core';
import { PACK_FLAT_KERNEL, UNPACK_FLAT_KERNEL, hasKernel } from '../kernels/register';

/** Backends whose tensors live in CPU memory, where a synchronous read-back is only a copy. */
const HOST_MEMORY_BACKENDS: ReadonlySet<string> = new Set(['wasm', 'cpu']);

export interface FlatEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
}

export class FlatLayout {
  readonly entries: readonly FlatEntry[];
  readonly size: number;

  /** Order follows the map's iteration order (paramShapes order for UNet params). */
  constructor(tensors: ReadonlyMap<string, tf.Tensor>) {
    const entries: FlatEntry[] = [];
    let offset = 0;
    for (const [name, t] of tensors) {
      entries.push({ name, shape: t.shape, offset, size: t.size });
      offset += t.size;
    }
    this.entries = entries;
    this.size = offset;
  }

  /** Concatenates in layout order; throws on a missing name or a size mismatch. */
  flatten(tensors: ReadonlyMap<string, tf.Tensor>): tf.Tensor1D {
    const inputs = this.entries.map((e) => {
      const t = tensors.get(e.name);
      if (!t || t.size !== e.size) throw new Error(`flatten: ${e.name} missing or mis-sized`);
      return t;
    });
    if (hasKernel(PACK_FLAT_KERNEL)) {
      // Buffer copies (webgpu): no Concat programs.
      const named = Object.fromEntries(inputs.map((t, i) => [String(i), t]));
      return tf.engine().runKernel(PACK_FLAT_KERNEL, named) as tf.Tensor1D;
    }
    return tf.tidy(() => {
      const parts = inputs.map((t) => tf.reshape(t, [t.size]));
      return (
        parts.length === 1 && parts[0] ? tf.clone(parts[0]) : tf.concat(parts)
      ) as tf.Tensor1D;
    });
  }

  /**
   * Pieces reshaped to each parameter's shape. Two levels (≈√n groups, then their members):
   * the wasm backend's Slice copies its whole input out of the heap on every call, so a flat
   * split into n pieces costs n full copies (~100 ms for the tiny UNet); grouping cuts that to
   * ~2√n copies for ~√n extra kernels.
   */
  split(flat: tf.Tensor1D): Map<string, tf.Tensor> {
    if (flat.size !== this.size) throw new Error(`split: ${flat.size} values, need ${this.size}`);
    if (HOST_MEMORY_BACKENDS.has(tf.getBackend())) return this.splitOnHost(flat);
    if (hasKernel(UNPACK_FLAT_KERNEL)) return this.splitByCopies(flat);
    // tidy disposes the group slices; the returned pieces (in entry order) survive it.
    const pieces = tf.tidy(() => {
      const perGroup = Math.max(1, Math.ceil(Math.sqrt(this.entries.length)));
      const sizes = this.entries.map((e) => e.size);
      const groupSizes: number[][] = [];
      for (let i = 0; i < sizes.length; i += perGroup)
        groupSizes.push(sizes.slice(i, i + perGroup));
      const parts = tf.split(
        flat,
        groupSizes.map((g) => g.reduce((s, n) => s + n, 0)),
      );
      return groupSizes.flatMap((g, gi) => {
        const part = parts[gi];
        if (!part) throw new Error('split: too few groups');
        return g.length === 1 ? [part] : tf.split(part, g);
      });
    });
    return this.shaped(pieces);
  }

  /** 1-D pieces in entry order → each reshaped to its parameter's shape, keyed by name. */
  private shaped(pieces: readonly tf.Tensor[]): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    this.entries.forEach((e, i) => {
      const piece = pieces[i];
      if (!piece) throw new Error('split: too few pieces');
      out.set(e.name, tf.reshape(piece, [...e.shape]));
      // reshape shares the data, so the unshaped piece can go.
      piece.dispose();
    });
    return out;
  }

  /** Buffer copies (webgpu): no Slice program per piece. */
  private splitByCopies(flat: tf.Tensor1D): Map<string, tf.Tensor> {
    const sizes = this.entries.map((e) => e.size);
    const result = tf.engine().runKernel(UNPACK_FLAT_KERNEL, { x: flat }, { sizes });
    // The engine hands back a lone output unwrapped.
    return this.shaped(Array.isArray(result) ? result : [result]);
  }

  /**
   * Where tensors live in CPU memory a read-back and one upload per piece are plain copies:
   * 0.6 ms for the tiny UNet's 151 pieces on wasm, against 38 ms for the two-level split.
   */
  private splitOnHost(flat: tf.Tensor1D): Map<string, tf.Tensor> {
    const values = flat.dataSync() as Float32Array;
    const out = new Map<string, tf.Tensor>();
    for (const e of this.entries) {
      // slice(): the cpu backend may hand out its own storage, which must not be aliased.
      out.set(
        e.name,
        tf.tensor(values.slice(e.offset, e.offset + e.size), [...e.shape], 'float32'),
      );
    }
    return out;
  }

  /** Views into a flat read-back, keyed by name (no copies). */
  view(values: Float32Array): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const e of this.entries) out.set(e.name, values.subarray(e.offset, e.offset + e.size));
    return out;
  }

  /** Packs named arrays into one buffer, validating names and sizes. */
  pack(values: ReadonlyMap<string, Float32Array>): Float32Array {
    const out = new Float32Array(this.size);
    for (const e of this.entries) {
      const v = values.get(e.name);
      if (!v || v.length !== e.size) throw new Error(`pack: ${e.name} missing or mis-sized`);
      out.set(v, e.offset);
    }
    return out;
  }
}
