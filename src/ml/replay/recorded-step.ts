/**
 * The replay half of a recorded training step (recorder.ts records it): the recorded
 * commands, re-encoded with new inputs, and the shapes both halves share.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { FLAG_USAGE, MAP_MODE_READ } from './gpu-flags';
import { GpuStepTimer } from './gpu-step-timer';
import type { Undo } from './patch';
import { type ProgramTime, ReplayProfiler } from './replay-profile';
import type { WebGPUInternals } from './tfjs-internals';

export type Command =
  | { readonly kind: 'pass' }
  | { readonly kind: 'end' }
  | { readonly kind: 'pipeline'; readonly pipeline: GPUComputePipeline }
  | { readonly kind: 'bind'; readonly index: number; readonly group: GPUBindGroup }
  | {
      readonly kind: 'dispatch';
      readonly x: number;
      readonly y: number;
      readonly z: number;
      /** The tfjs program that dispatched it, for profiles ('?' when unknown). */
      readonly program: string;
    }
  | {
      readonly kind: 'copy';
      readonly src: GPUBuffer;
      readonly srcOffset: number;
      readonly dst: GPUBuffer;
      readonly dstOffset: number;
      readonly size: number;
    };

export interface Segment {
  readonly commands: Command[];
  /** Per-replay inputs: name → the buffer the recorded step read them from. */
  readonly inputs: Map<string, GPUBuffer>;
  /** The buffer read back at the end of the segment (float32), if any. */
  readback: GPUBuffer | null;
}

export interface StateSlot {
  readonly dataId: tf.DataId;
  /** Where the recorded step read it, and where it lives between replays (the tensor's buffer). */
  readonly read: GPUBuffer;
  /** Where the recorded step wrote the next value. */
  readonly written: GPUBuffer;
}

export type ReplayInputs = Readonly<Record<string, Float32Array | Int32Array>>;

/** What one replay of all segments sends to the GPU. */
export interface ReplayCounts {
  /** Compute dispatches. */
  readonly programs: number;
  /** Buffer-to-buffer copies, the state's final copies included. */
  readonly copies: number;
  /** State tensors the step writes in place, without a final copy (direct-state-writes.ts). */
  readonly directWrites: number;
}

export class RecordedStep {
  private readonly staging: GPUBuffer | null;
  private readonly timer: GpuStepTimer | null;
  private profiler: ReplayProfiler | null = null;
  private disposed = false;
  /** Lets tfjs cache reads of the state on the CPU again (see keepOffCpuCache). */
  private readonly cacheAgain: Undo;
  /** JavaScript time of the last replay: writing inputs, encoding and submitting its segments. */
  encodeMs = 0;
  readonly counts: ReplayCounts;

  constructor(
    private readonly gpu: WebGPUInternals,
    private readonly segments: readonly Segment[],
    private readonly state: readonly StateSlot[],
    /** The slots whose new values a replay's last commands copy into place (the rest it writes directly). */
    private readonly copied: readonly StateSlot[],
    private readonly owned: Map<GPUBuffer, boolean>,
  ) {
    const all = segments.flatMap((s) => s.commands);
    this.counts = {
      programs: all.filter((c) => c.kind === 'dispatch').length,
      copies: all.filter((c) => c.kind === 'copy').length + copied.length,
      directWrites: state.length - copied.length,
    };
    const bytes = Math.max(0, ...segments.map((s) => s.readback?.size ?? 0));
    this.staging =
      bytes > 0
        ? gpu.device.createBuffer({
            size: bytes,
            usage: FLAG_USAGE.MAP_READ | FLAG_USAGE.COPY_DST,
          })
        : null;
    this.timer = GpuStepTimer.for(gpu.device, segments.length);
    this.cacheAgain = gpu.keepOffCpuCache(new Set(state.map((s) => s.dataId)));
  }

  /**
   * GPU time of a recent replayed step (all segments), ms; null where the device cannot time
   * (no 'timestamp-query') or before the first timing arrived (it is read in the background).
   */
  get gpuMs(): number | null {
    return this.timer?.lastMs ?? null;
  }

  /** `gpuMs` once the last timed replay's timestamps have arrived. */
  async settledGpuMs(): Promise<number | null> {
    return (await this.timer?.settled()) ?? null;
  }

  /**
   * Times each program of the next replay on the GPU (a pass of its own each: replay-profile.ts);
   * resolves once every segment has run. Null where the device cannot time.
   */
  profileNext(): Promise<ProgramTime[]> | null {
    if (this.disposed) return null;
    this.profiler?.destroy();
    this.profiler = ReplayProfiler.for(this.gpu.device, this.segments);
    return this.profiler?.result ?? null;
  }

  /** Whether `state` (the tensors given at start) still lives where this recording keeps it. */
  matches(state: readonly tf.TensorInfo[]): boolean {
    return (
      !this.disposed &&
      state.length === this.state.length &&
      state.every((t, i) => {
        const s = this.state[i];
        return s?.dataId === t.dataId && this.gpu.bufferOf(t.dataId) === s.read;
      })
    );
  }

  /**
   * Replays segment `index` with `inputs` (one typed array per name given to input(), the same
   * byte length as then); resolves with the read-back values, or null when it has none.
   */
  async run(index: number, inputs: ReplayInputs): Promise<Float32Array | null> {
    if (this.disposed) throw new Error('recorded step is disposed');
    const segment = this.segments[index];
    if (!segment) throw new RangeError(`no segment ${index}`);
    const { gpu } = this;
    const t0 = performance.now();
    gpu.flush();
    for (const [name, buffer] of segment.inputs) {
      const v = inputs[name];
      if (!v || v.byteLength !== buffer.size) {
        throw new Error(`replay: input ${name} must be ${buffer.size} bytes`);
      }
      gpu.queue.writeBuffer(buffer, 0, v.buffer, v.byteOffset, v.byteLength);
    }
    const enc = gpu.device.createCommandEncoder();
    this.timer?.begin(enc, index);
    const profiler = this.profiler?.wants(index) ? this.profiler : null;
    if (profiler) profiler.encode(enc, index, segment.commands);
    else encode(enc, segment.commands);
    if (index === this.segments.length - 1) {
      for (const s of this.copied) {
        enc.copyBufferToBuffer(s.written, 0, s.read, 0, s.read.size);
      }
    }
    const timed = this.timer?.end(enc, index) ?? false;
    const staging = this.staging;
    const rb = segment.readback;
    if (rb && staging) enc.copyBufferToBuffer(rb, 0, staging, 0, rb.size);
    gpu.queue.submit([enc.finish()]);
    if (timed) this.timer?.read();
    profiler?.submitted(index);
    this.encodeMs = (index === 0 ? 0 : this.encodeMs) + (performance.now() - t0);
    if (!rb || !staging) return null;
    await staging.mapAsync(MAP_MODE_READ, 0, rb.size);
    try {
      return new Float32Array(staging.getMappedRange(0, rb.size).slice(0));
    } finally {
      staging.unmap();
    }
  }

  /** Returns the recording's buffers to tfjs' pool. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const [b, reuse] of this.owned) this.gpu.releaseBuffer(b, reuse);
    this.owned.clear();
    this.cacheAgain();
    this.staging?.destroy();
    this.timer?.destroy();
    this.profiler?.destroy();
  }
}

function encode(enc: GPUCommandEncoder, commands: readonly Command[]): void {
  let pass: GPUComputePassEncoder | null = null;
  for (const c of commands) {
    switch (c.kind) {
      case 'pass':
        pass = enc.beginComputePass();
        break;
      case 'end':
        pass?.end();
        pass = null;
        break;
      case 'pipeline':
        pass?.setPipeline(c.pipeline);
        break;
      case 'bind':
        pass?.setBindGroup(c.index, c.group);
        break;
      case 'dispatch':
        pass?.dispatchWorkgroups(c.x, c.y, c.z);
        break;
      case 'copy':
        enc.copyBufferToBuffer(c.src, c.srcOffset, c.dst, c.dstOffset, c.size);
        break;
    }
  }
  pass?.end();
}
