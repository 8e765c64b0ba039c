import { describe, expect, it } from 'vitest';
import { SafetensorsError, decodeSafetensors, encodeSafetensors } from './safetensors';

/** A file built byte by byte from the format's definition, not by our encoder. */
function specFile(): Uint8Array {
  const header = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"__metadata__":{"k":"v"}}';
  const padded = header + ' '.repeat((8 - (header.length % 8)) % 8);
  const out = new Uint8Array(8 + padded.length + 8);
  const view = new DataView(out.buffer);
  view.setUint32(0, padded.length, true); // u64 LE: the high word stays 0
  out.set(new TextEncoder().encode(padded), 8);
  view.setFloat32(8 + padded.length, 1.5, true);
  view.setFloat32(12 + padded.length, -2, true);
  return out;
}

describe('safetensors', () => {
  it('reads a file laid out by the format definition', () => {
    const { tensors, metadata } = decodeSafetensors(specFile());
    expect(metadata).toEqual({ k: 'v' });
    expect(tensors.get('w')?.shape).toEqual([2]);
    expect(Array.from(tensors.get('w')?.values ?? [])).toEqual([1.5, -2]);
  });

  it('writes what it reads: 8-byte aligned header, tensors in order, metadata kept', () => {
    const tensors = new Map([
      ['a', { shape: [2, 3], values: Float32Array.from([1, 2, 3, 4, 5, 6]) }],
      ['b', { shape: [1], values: Float32Array.from([-0.25]) }],
    ]);
    const bytes = encodeSafetensors(tensors, { format: 'pt' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    expect(bytes.length).toBe(8 + n + 7 * 4);
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ format: 'pt' });
    expect([...back.tensors.keys()]).toEqual(['a', 'b']);
    expect(Array.from(back.tensors.get('a')?.values ?? [])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(back.tensors.get('a')?.shape).toEqual([2, 3]);
  });

  it('refuses what it cannot read, in words', () => {
    expect(() => decodeSafetensors(new Uint8Array(20), 'x.bin')).toThrow(
      /x\.bin is not a safetensors file/,
    );
    const bad = specFile();
    bad[8 + 14] = 0x31; // "F32" → "F12"
    expect(() => decodeSafetensors(bad, 'x')).toThrow(SafetensorsError);
    const truncated = specFile().subarray(0, specFile().length - 4);
    expect(() => decodeSafetensors(truncated, 'x')).toThrow(/does not fit/);
  });
});
