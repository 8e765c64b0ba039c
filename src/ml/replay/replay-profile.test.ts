import { describe, expect, it } from 'vitest';
import type { Command, Segment } from './recorded-step';
import { ReplayProfiler, byProgram } from './replay-profile';

// Stand-ins: the profiler only hands these objects back to the encoder it is given.
const named = <T>(name: string) => ({ name }) as unknown as T;
const pipeA = named<GPUComputePipeline>('pipeline A');
const pipeB = named<GPUComputePipeline>('pipeline B');
const g0 = named<GPUBindGroup>('group 0');
const g1 = named<GPUBindGroup>('group 1');
const src = named<GPUBuffer>('src');
const dst = named<GPUBuffer>('dst');

/** A device with timestamp queries whose objects only carry a name. */
function fakeDevice(timestamps = true): GPUDevice {
  return {
    features: new Set(timestamps ? ['timestamp-query'] : []),
    createQuerySet: (d: GPUQuerySetDescriptor) => ({ name: `queries ×${d.count}`, destroy() {} }),
    createBuffer: (d: GPUBufferDescriptor) => ({ name: `buffer ${d.size}`, destroy() {} }),
  } as unknown as GPUDevice;
}

/** An encoder that writes down what it is asked to do, passes as nested lists. */
function fakeEncoder() {
  const log: unknown[] = [];
  const enc = {
    beginComputePass(d: GPUComputePassDescriptor) {
      const w = d.timestampWrites;
      const pass: unknown[] = [
        `timed ${w?.beginningOfPassWriteIndex ?? '-'}/${w?.endOfPassWriteIndex ?? '-'}`,
      ];
      log.push(pass);
      return {
        setPipeline: (p: { name: string }) => pass.push(p.name),
        setBindGroup: (i: number, g: { name: string }) => pass.push(`${i}: ${g.name}`),
        dispatchWorkgroups: (x: number, y: number, z: number) =>
          pass.push(`dispatch ${x},${y},${z}`),
        end: () => pass.push('end'),
      };
    },
    copyBufferToBuffer: (s: { name: string }, _so: number, d: { name: string }) =>
      log.push(`copy ${s.name} → ${d.name}`),
    resolveQuerySet: (_q: unknown, first: number, count: number) =>
      log.push(`resolve ${first}+${count}`),
  };
  return { enc: enc as unknown as GPUCommandEncoder, log };
}

const commands: Command[] = [
  { kind: 'pass' },
  { kind: 'pipeline', pipeline: pipeA },
  { kind: 'bind', index: 0, group: g0 },
  { kind: 'dispatch', x: 4, y: 1, z: 1, program: 'Conv' },
  { kind: 'pipeline', pipeline: pipeB },
  { kind: 'bind', index: 0, group: g1 },
  { kind: 'dispatch', x: 2, y: 3, z: 1, program: 'Add' },
  // The same pipeline and group again: a new pass must be given them again.
  { kind: 'dispatch', x: 1, y: 1, z: 1, program: 'Add' },
  { kind: 'end' },
  { kind: 'copy', src, srcOffset: 0, dst, dstOffset: 0, size: 4 },
];
const segment: Segment = { commands, inputs: new Map(), readback: null };

describe('ReplayProfiler (each dispatch of a replay timed in a pass of its own)', () => {
  it('gives each dispatch its own timed pass with the pipeline and bind groups in force', () => {
    const profiler = ReplayProfiler.for(fakeDevice(), [segment]);
    if (!profiler) throw new Error('no profiler');
    const { enc, log } = fakeEncoder();
    profiler.encode(enc, 0, commands);
    expect(log).toEqual([
      ['timed 0/1', 'pipeline A', '0: group 0', 'dispatch 4,1,1', 'end'],
      ['timed 2/3', 'pipeline B', '0: group 1', 'dispatch 2,3,1', 'end'],
      ['timed 4/5', 'pipeline B', '0: group 1', 'dispatch 1,1,1', 'end'],
      'copy src → dst',
      'resolve 0+6',
      'copy buffer 48 → buffer 48',
    ]);
    expect(profiler.wants(0)).toBe(true);
    profiler.destroy();
  });

  it('once destroyed, encodes nothing more and its result fails', async () => {
    const profiler = ReplayProfiler.for(fakeDevice(), [segment]);
    if (!profiler) throw new Error('no profiler');
    profiler.destroy();
    // A replay asks wants() before encoding with the (now destroyed) query sets.
    expect(profiler.wants(0)).toBe(false);
    await expect(profiler.result).rejects.toThrow('disposed');
  });

  it('is not made without timestamp queries', () => {
    expect(ReplayProfiler.for(fakeDevice(false), [segment])).toBeNull();
  });
});

describe('byProgram', () => {
  it('sums dispatches and time per program, the longest first', () => {
    expect(
      byProgram([
        { program: 'Add', ms: 0.5 },
        { program: 'Conv', ms: 2 },
        { program: 'Add', ms: 1 },
      ]),
    ).toEqual([
      { program: 'Conv', dispatches: 1, ms: 2 },
      { program: 'Add', dispatches: 2, ms: 1.5 },
    ]);
  });
});
