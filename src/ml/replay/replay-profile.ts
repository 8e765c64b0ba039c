/**
 * Each program of one replayed step timed on the GPU, to see which programs a step's GPU time goes
 * to (the kernels bench prints it; on a real GPU, this is what says where to look next).
 *
 * Every dispatch gets a compute pass of its own with timestamps at its start and end, so a figure
 * includes a pass's own overhead and none of the overlap a GPU may find between neighbouring
 * dispatches: the figures rank programs, and their sum overstates the step. The step's own GPU
 * time is GpuStepTimer's.
 */
import {
  type TimestampBuffers,
  destroyTimestamps,
  readTimestamps,
  resolveTimestamps,
  timestampBuffers,
} from './gpu-flags';
import type { Command, Segment } from './recorded-step';

/** WebGPU's limit on a query set's size. */
const MAX_QUERIES = 4096;

/** GPU time of one program (by name) over a step: all its dispatches together. */
export interface ProgramTime {
  readonly program: string;
  readonly dispatches: number;
  readonly ms: number;
}

interface SegmentQueries extends TimestampBuffers {
  /** Program names, one per dispatch in command order. */
  readonly programs: readonly string[];
}

export class ReplayProfiler {
  private readonly pending = new Set<number>();
  private readonly times: { program: string; ms: number }[] = [];
  private finish: ((times: ProgramTime[]) => void) | null = null;
  private fail: ((error: unknown) => void) | null = null;
  /** Resolves once every segment was replayed once under this profiler. */
  readonly result: Promise<ProgramTime[]>;

  private constructor(private readonly queries: readonly SegmentQueries[]) {
    queries.forEach((_, i) => this.pending.add(i));
    this.result = new Promise((resolve, reject) => {
      this.finish = resolve;
      this.fail = reject;
    });
    // A profile nobody waits for any more (disposed with its recording) is no error.
    this.result.catch(() => undefined);
  }

  /** A profiler for one replay of `segments`, or null when the device cannot time them. */
  static for(device: GPUDevice, segments: readonly Segment[]): ReplayProfiler | null {
    if (!device.features.has('timestamp-query')) return null;
    const programs = segments.map((s) => dispatchNames(s.commands));
    if (programs.some((p) => p.length === 0 || 2 * p.length > MAX_QUERIES)) return null;
    return new ReplayProfiler(
      programs.map((names) => ({ ...timestampBuffers(device, 2 * names.length), programs: names })),
    );
  }

  /** Whether segment `index` still waits for its profiled replay. */
  wants(index: number): boolean {
    return this.pending.has(index);
  }

  /**
   * Encodes segment `index`'s commands with each dispatch in a timed pass of its own (a pass
   * starts with no pipeline or bind groups, so each gets the ones in force), then the copy that
   * brings the timestamps back. Call `submitted(index)` once `enc` is submitted.
   */
  encode(enc: GPUCommandEncoder, index: number, commands: readonly Command[]): void {
    const q = this.queries[index];
    if (!q) throw new RangeError(`profile: no segment ${index}`);
    let pipeline: GPUComputePipeline | null = null;
    const groups = new Map<number, GPUBindGroup>();
    let k = 0;
    for (const c of commands) {
      switch (c.kind) {
        case 'pass':
          pipeline = null;
          groups.clear();
          break;
        case 'end':
          break;
        case 'pipeline':
          pipeline = c.pipeline;
          break;
        case 'bind':
          groups.set(c.index, c.group);
          break;
        case 'dispatch': {
          const pass = enc.beginComputePass({
            timestampWrites: {
              querySet: q.querySet,
              beginningOfPassWriteIndex: 2 * k,
              endOfPassWriteIndex: 2 * k + 1,
            },
          });
          if (pipeline) pass.setPipeline(pipeline);
          for (const [i, g] of groups) pass.setBindGroup(i, g);
          pass.dispatchWorkgroups(c.x, c.y, c.z);
          pass.end();
          k++;
          break;
        }
        case 'copy':
          enc.copyBufferToBuffer(c.src, c.srcOffset, c.dst, c.dstOffset, c.size);
          break;
      }
    }
    resolveTimestamps(enc, q, 2 * k);
  }

  /** Reads segment `index`'s timestamps; the result resolves after the last segment's. */
  submitted(index: number): void {
    const q = this.queries[index];
    if (!q || !this.pending.delete(index)) return;
    readTimestamps(q)
      .then((stamps) => {
        q.programs.forEach((program, i) => {
          const begin = stamps[2 * i] ?? 0n;
          const end = stamps[2 * i + 1] ?? 0n;
          this.times.push({ program, ms: end > begin ? Number(end - begin) / 1e6 : 0 });
        });
        if (this.pending.size === 0) this.end(() => this.finish?.(byProgram(this.times)));
      })
      .catch((error: unknown) => {
        this.end(() => this.fail?.(error));
      });
  }

  /** Gives its GPU objects back; a profile still waited for fails. */
  destroy(): void {
    this.end(() => this.fail?.(new Error('profile: the recording was disposed')));
  }

  /** Settles the result (once) and destroys the query sets, which no later replay may then use. */
  private end(settle: () => void): void {
    settle();
    this.finish = null;
    this.fail = null;
    this.pending.clear();
    for (const q of this.queries) destroyTimestamps(q);
  }
}

function dispatchNames(commands: readonly Command[]): string[] {
  return commands.flatMap((c) => (c.kind === 'dispatch' ? [c.program] : []));
}

/** Times summed per program, the longest first. */
export function byProgram(times: readonly { program: string; ms: number }[]): ProgramTime[] {
  const sums = new Map<string, { dispatches: number; ms: number }>();
  for (const t of times) {
    const s = sums.get(t.program) ?? { dispatches: 0, ms: 0 };
    sums.set(t.program, { dispatches: s.dispatches + 1, ms: s.ms + t.ms });
  }
  return [...sums]
    .map(([program, s]) => ({ program, ...s }))
    .sort((a, b) => b.ms - a.ms || a.program.localeCompare(b.program));
}
