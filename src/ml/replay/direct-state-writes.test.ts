import { describe, expect, it } from 'vitest';
import { redirectStateWrites } from './direct-state-writes';
import type { Command, Segment, StateSlot } from './recorded-step';

// The function only compares buffers and reads their size: plain objects stand in for them.
const buffer = (size: number, name: string) => ({ size, name }) as unknown as GPUBuffer;
const group = (name: string) => ({ name }) as unknown as GPUBindGroup;

const Y = buffer(64, 'flat result');
const W = buffer(16, 'fresh piece');
const S = buffer(16, 'weight');
const X = buffer(16, 'other');
const slot: StateSlot = { dataId: {}, read: S, written: W };

const copy = (src: GPUBuffer, dst: GPUBuffer, size = dst.size, srcOffset = 32): Command => ({
  kind: 'copy',
  src,
  srcOffset,
  dst,
  dstOffset: 0,
  size,
});
const bind = (g: GPUBindGroup): Command[] => [
  { kind: 'pass' },
  { kind: 'bind', index: 0, group: g },
  { kind: 'dispatch', x: 1, y: 1, z: 1, program: 'test' },
  { kind: 'end' },
];
const segment = (commands: Command[], inputs: [string, GPUBuffer][] = []): Segment => ({
  commands,
  inputs: new Map(inputs),
  readback: null,
});

const gEarlier = group('reads S, W as a temporary');
const gLater = group('reads S after the split');
const gReadsW = group('reads W after the split');
const bound = (g: GPUBindGroup): GPUBuffer[] =>
  g === gEarlier ? [S, W] : g === gLater ? [S, X] : g === gReadsW ? [W, X] : [];

function run(segments: Segment[]) {
  const direct = redirectStateWrites(segments, [slot], bound);
  return { direct: direct.has(slot), last: segments[segments.length - 1]?.commands ?? [] };
}

describe('redirectStateWrites', () => {
  it("sends the split's copy straight to the weight when that copy is the piece's last use", () => {
    const { direct, last } = run([
      segment(bind(gEarlier)),
      segment([...bind(gEarlier), copy(Y, W)]),
    ]);
    expect(direct).toBe(true);
    expect(last[last.length - 1]).toEqual(copy(Y, S, 16));
  });

  it('keeps both copies when the weight is read after the split', () => {
    const { direct, last } = run([segment([copy(Y, W), ...bind(gLater)])]);
    expect(direct).toBe(false);
    expect(last[0]).toEqual(copy(Y, W));
  });

  it('keeps both copies when the piece is read after the split', () => {
    expect(run([segment([copy(Y, W), ...bind(gReadsW)])]).direct).toBe(false);
  });

  it('keeps both copies for a partial copy, one in an earlier segment, or a piece that is an input', () => {
    expect(run([segment([copy(Y, W, 8)])]).direct).toBe(false);
    expect(run([segment([copy(Y, W)]), segment([])]).direct).toBe(false);
    expect(run([segment([copy(Y, W)], [['x', W]])]).direct).toBe(false);
  });
});
