import { describe, expect, it } from 'vitest';
import { CheckpointError, checkShapes, decodeCheckpoint, encodeCheckpoint } from './checkpoint';

const sample = () => ({
  config: { preset: 'tiny', step: 42 },
  tensors: new Map([
    ['a.w', { shape: [2, 3], values: new Float32Array([1, 2, 3, 4, 5, 6]) }],
    ['b', { shape: [1], values: new Float32Array([-0.5]) }],
  ]),
});

describe('checkpoint file', () => {
  it('round-trips config and tensors', () => {
    const bytes = encodeCheckpoint(sample());
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('DPCK');
    const back = decodeCheckpoint<{ preset: string; step: number }>(bytes);
    expect(back.config).toEqual({ preset: 'tiny', step: 42 });
    expect(Array.from(back.tensors.get('a.w')!.values)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(back.tensors.get('b')!.shape).toEqual([1]);
    // Decoding works from an unaligned view too (a file read into a larger buffer).
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(decodeCheckpoint(shifted.subarray(1)).tensors.get('b')!.values[0]).toBe(-0.5);
  });

  it('refuses garbage, other versions and truncation with clear messages', () => {
    const bytes = encodeCheckpoint(sample());
    expect(() => decodeCheckpoint(new TextEncoder().encode('{"not":"ours"}'), 'x.json')).toThrow(
      /x\.json is not a Diffusion Playground model/,
    );
    expect(() => decodeCheckpoint(new Uint8Array(3))).toThrow(/too short/);
    const v2 = bytes.slice();
    new DataView(v2.buffer).setUint32(4, 2, true);
    expect(() => decodeCheckpoint(v2, 'm.dpmodel')).toThrow(
      /format version 2; this app reads version 1/,
    );
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 4))).toThrow(/truncated/);
    const badJson = bytes.slice();
    badJson[12] = 0x7b + 1;
    expect(() => decodeCheckpoint(badJson)).toThrow(/not valid JSON/);
  });

  it('checks names and shapes against the model', () => {
    const { tensors } = decodeCheckpoint(encodeCheckpoint(sample()));
    expect(() =>
      checkShapes(
        tensors,
        new Map([
          ['a.w', [2, 3]],
          ['b', [1]],
        ]),
      ),
    ).not.toThrow();
    expect(() => checkShapes(tensors, new Map([['a.w', [3, 2]]]))).toThrow(
      /a\.w has shape \[2, 3\], expected \[3, 2\]/,
    );
    expect(() => checkShapes(tensors, new Map([['c', [1]]]))).toThrow(CheckpointError);
  });
});
