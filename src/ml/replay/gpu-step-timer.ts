/**
 * The GPU's own time for a replayed step, from timestamp queries (the device's 'timestamp-query'
 * feature, which tfjs requests when the adapter has it).
 *
 * Why: the JavaScript a replay costs is measured on the CPU, but whether a step is bound by that
 * or by the GPU's work needs the GPU's side too: a step whose GPU time is near its wall time is
 * GPU-bound, and fewer commands will not make it faster. Each segment is bracketed by two empty
 * compute passes, the first writing a timestamp at its start and the second at its end, so the
 * difference spans every command between them (dispatches, copies and the barriers between them).
 * Browsers may round timestamps (Chrome: to 100 µs), which is fine for a whole step.
 *
 * The timestamps are read without waiting: the last segment of a step resolves them into a
 * buffer mapped in the background, and the value shows up a step later. While that buffer is
 * still mapped, a step goes untimed.
 */
import {
  type TimestampBuffers,
  destroyTimestamps,
  readTimestamps,
  resolveTimestamps,
  timestampBuffers,
} from './gpu-flags';

export class GpuStepTimer {
  private busy = false;
  private destroyed = false;
  /** The read in flight, if any. */
  private reading: Promise<void> = Promise.resolve();
  /** GPU time of the last step timed, ms (all segments), or null before the first. */
  lastMs: number | null = null;

  private constructor(
    private readonly stamps: TimestampBuffers,
    private readonly segments: number,
  ) {}

  /** A timer for steps of `segments` segments, or null when the device cannot time. */
  static for(device: GPUDevice, segments: number): GpuStepTimer | null {
    if (segments < 1 || !device.features.has('timestamp-query')) return null;
    return new GpuStepTimer(timestampBuffers(device, 2 * segments), segments);
  }

  /** Marks where segment `index` starts (encode before its first command). */
  begin(enc: GPUCommandEncoder, index: number): void {
    this.mark(enc, { beginningOfPassWriteIndex: 2 * index });
  }

  /**
   * Marks where segment `index` ends (after its last command); after the last segment, also
   * queues the copy that brings the step's timestamps back, unless the previous one is pending.
   * Returns whether the caller must call `read()` once it has submitted `enc`.
   */
  end(enc: GPUCommandEncoder, index: number): boolean {
    this.mark(enc, { endOfPassWriteIndex: 2 * index + 1 });
    if (index !== this.segments - 1 || this.busy || this.destroyed) return false;
    resolveTimestamps(enc, this.stamps, 2 * this.segments);
    this.busy = true;
    return true;
  }

  /** Reads the timestamps copied by the submitted encoder; `lastMs` changes when they arrive. */
  read(): void {
    this.reading = readTimestamps(this.stamps)
      .then((stamps) => {
        this.lastMs = stepMs(stamps);
      })
      .catch(() => {
        // Destroyed or device lost: nothing to report.
      })
      .finally(() => {
        this.busy = false;
      });
  }

  /** `lastMs` once the read in flight (the last timed step's) has arrived. */
  async settled(): Promise<number | null> {
    await this.reading;
    return this.lastMs;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    destroyTimestamps(this.stamps);
  }

  private mark(enc: GPUCommandEncoder, writes: Omit<GPUComputePassTimestampWrites, 'querySet'>) {
    if (this.destroyed) return;
    enc.beginComputePass({ timestampWrites: { querySet: this.stamps.querySet, ...writes } }).end();
  }
}

/**
 * Milliseconds from (begin, end) pairs of nanosecond timestamps, summed; null when a pair runs
 * backwards or is missing (a device that wrote no timestamp leaves zeros).
 */
export function stepMs(stamps: BigUint64Array): number | null {
  let ns = 0;
  for (let i = 0; i + 1 < stamps.length; i += 2) {
    const begin = stamps[i] ?? 0n;
    const end = stamps[i + 1] ?? 0n;
    if (begin === 0n || end < begin) return null;
    ns += Number(end - begin);
  }
  return ns / 1e6;
}
