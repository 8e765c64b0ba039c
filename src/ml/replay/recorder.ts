/**
 * A training step recorded once on webgpu and replayed with new inputs, so that a step costs the
 * CPU a few hundred encoder calls instead of tfjs' ~145 µs of JavaScript per program (kernels
 * bench: ~75 ms a tiny step on this project's VM, against ~7 ms to re-encode the same commands).
 *
 * Recording runs a normal tfjs step while watching the GPU calls it makes: every compute pass,
 * pipeline, bind group, dispatch and buffer copy, in order, cut into segments where the step
 * reads a result back (the loss and gradient norm decide the update). Replaying a segment writes
 * that segment's inputs (x0, noise, coefficients…) into the buffers they had while recording and
 * re-encodes its commands in one command buffer.
 *
 * What makes that correct:
 * - Every buffer the commands touch belongs to the recording afterwards. While recording, buffers
 *   tfjs frees go to a pool of the recording's own (reused within the step as tfjs would), and
 *   uniform and upload-staging buffers are kept as they are: their contents were written outside
 *   the commands, so they must never be handed to anyone else. A buffer the commands touch that
 *   is still held by a tensor other than the training state fails the recording.
 * - Constants uploaded during the step go through a staging copy (new buffers are not mapped at
 *   creation while recording), so the copy is part of the recording.
 * - The training state (weights, Adam moments, EMA) stays in the buffers the recorded step read
 *   it from (kept out of the recording's pool, so no command writes them): a replay reads them
 *   and, as its last commands, copies the new values from where the step wrote them. Others
 *   reading the weights between replays see a whole step.
 * - The recording is only replayed while each state tensor still has the buffer it was given;
 *   anything that assigns new weights (a restore, a loaded checkpoint) makes the caller record
 *   again.
 *
 * tfjs' backend is reached only through tfjs-internals.ts, and the GPU calls are watched only while
 * a segment records (resume() to pause(), and abort() or finish() always end with a pause).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { redirectStateWrites } from './direct-state-writes';
import { FLAG_USAGE } from './gpu-flags';
import { type Command, RecordedStep, type Segment, type StateSlot } from './recorded-step';
import { type GpuCallWatcher, type WebGPUInternals, isBuffer } from './tfjs-internals';
import type { Undo } from './patch';

export class RecordingFailed extends Error {}

function poolKey(size: number, usage: number): string {
  return `${size}_${usage}`;
}

/** `t`'s buffer, uploading values still on the CPU first; `what` names it in the error. */
export function uploaded(gpu: WebGPUInternals, t: tf.TensorInfo, what: string): GPUBuffer {
  gpu.upload(t.dataId);
  const b = gpu.bufferOf(t.dataId);
  if (!b) throw new RecordingFailed(`${what} has no GPU buffer`);
  return b;
}

/** One recording in progress (paused at first: add inputs, then resume). */
export class RecordingSession {
  private readonly segments: Segment[] = [];
  private pendingInputs = new Map<string, GPUBuffer>();
  private readonly pool = new Map<string, GPUBuffer[]>();
  /** Buffers freed while recording: ours now, with the `reuse` tfjs freed them with. */
  private readonly held = new Map<GPUBuffer, boolean>();
  private readonly groups = new Map<GPUBindGroup, GPUBuffer[]>();
  private readonly reads: GPUBuffer[];
  /** Puts tfjs' methods back; set while a segment records. */
  private unwatch: Undo | null = null;
  private failure: string | null = null;
  private closed = false;

  /** Starts recording a step that reads and replaces `state`. */
  constructor(
    private readonly gpu: WebGPUInternals,
    state: readonly tf.TensorInfo[],
  ) {
    this.reads = state.map((t) => uploaded(gpu, t, 'a state tensor'));
  }

  /** Whether a segment is recording now (tfjs' GPU calls are watched). */
  get watching(): boolean {
    return this.unwatch !== null;
  }

  /** Declares `t` an input of the next segment (its values are rewritten on each replay). */
  input(name: string, t: tf.TensorInfo): void {
    if (this.unwatch) throw new Error('recording: inputs are added while paused');
    this.pendingInputs.set(name, uploaded(this.gpu, t, `input ${name}`));
  }

  /** Opens the next segment and watches the GPU calls made until pause(). */
  resume(): void {
    if (this.closed || this.unwatch) throw new Error('recording: resume while recording');
    // Work encoded before now (uploads, others' ops) is not part of the step.
    this.gpu.flush();
    const segment: Segment = { commands: [], inputs: this.pendingInputs, readback: null };
    this.pendingInputs = new Map();
    this.segments.push(segment);
    this.unwatch = this.gpu.watch(this.watcher(segment));
  }

  /** Marks `t` as read back at the end of the current segment (call before reading it). */
  readback(t: tf.TensorInfo): void {
    const segment = this.segments[this.segments.length - 1];
    if (!segment || t.dtype !== 'float32') throw new Error('recording: bad read-back');
    segment.readback = uploaded(this.gpu, t, 'the read-back');
  }

  /**
   * Ends the segment: sends what tfjs has encoded, so the buffers it frees on that submit are
   * the recording's, then stops watching (tfjs' methods are the originals again).
   */
  pause(): void {
    const unwatch = this.unwatch;
    if (!unwatch) return;
    try {
      this.gpu.flush();
    } finally {
      this.unwatch = null;
      unwatch();
    }
  }

  /** Gives back everything the recording held; the step that ran is unaffected. */
  abort(): void {
    this.pause();
    if (this.closed) return;
    this.closed = true;
    for (const [b, reuse] of this.held) this.gpu.releaseBuffer(b, reuse);
    this.held.clear();
  }

  /**
   * Ends the recording (while recording, after the step freed its tensors) and checks that it can
   * be replayed; `state` are the same tensors as at start, holding the step's results now.
   */
  finish(state: readonly tf.TensorInfo[]): RecordedStep {
    try {
      // Frees what waited for the submit (while still watching, so those buffers are ours), if
      // the step left its last segment open.
      this.pause();
      if (this.failure) throw new RecordingFailed(this.failure);
      if (state.length !== this.reads.length) throw new Error('recording: state changed size');
      return this.build(state);
    } catch (error) {
      this.abort();
      throw error;
    }
  }

  /** Every buffer the recorded commands, inputs and read-backs touch. */
  private touched(): Set<GPUBuffer> {
    const touched = new Set<GPUBuffer>(this.reads);
    for (const s of this.segments) {
      for (const b of s.inputs.values()) touched.add(b);
      if (s.readback) touched.add(s.readback);
      for (const c of s.commands) {
        if (c.kind === 'copy') {
          touched.add(c.src);
          touched.add(c.dst);
        } else if (c.kind === 'bind') {
          for (const b of this.groups.get(c.group) ?? []) touched.add(b);
        }
      }
    }
    return touched;
  }

  private build(state: readonly tf.TensorInfo[]): RecordedStep {
    const { gpu } = this;
    const touched = this.touched();
    // Checks first: a failure leaves everything to abort().
    const slots: StateSlot[] = state.map((t, i) => {
      const written = gpu.bufferOf(t.dataId);
      const read = this.reads[i];
      if (!written || !read) throw new RecordingFailed('a state tensor has no buffer');
      if (!this.held.has(read)) throw new RecordingFailed('the step did not replace its state');
      return { dataId: t.dataId, read, written };
    });
    const written = slots.map((s) => s.written);
    if (new Set(this.reads).size !== slots.length || new Set(written).size !== slots.length) {
      throw new RecordingFailed('two state tensors shared a buffer');
    }
    for (const b of touched) {
      if (!this.held.has(b) && !written.includes(b)) {
        throw new RecordingFailed('the step used a buffer that a tensor outside it still holds');
      }
    }
    this.closed = true;
    const direct = redirectStateWrites(this.segments, slots, (g) => this.groups.get(g) ?? []);
    // Hand back what the commands never touch.
    const owned = new Map<GPUBuffer, boolean>();
    for (const [b, reuse] of this.held) {
      if (touched.has(b)) owned.set(b, reuse);
      else gpu.releaseBuffer(b, reuse);
    }
    this.held.clear();
    // The state goes back to the buffers it was read from (the tensors own them again); the
    // buffers the step wrote it to become the recording's.
    const enc = gpu.device.createCommandEncoder();
    for (const s of slots) {
      enc.copyBufferToBuffer(s.written, 0, s.read, 0, s.read.size);
      gpu.rehome(s.dataId, s.read);
      owned.delete(s.read);
      owned.set(s.written, true);
    }
    gpu.queue.submit([enc.finish()]);
    const copied = slots.filter((s) => !direct.has(s));
    return new RecordedStep(gpu, this.segments, slots, copied, owned);
  }

  /** What is done with each GPU call of `segment` while it records. */
  private watcher(segment: Segment): GpuCallWatcher {
    const log = (c: Command): void => {
      segment.commands.push(c);
    };
    const fail = (why: string): void => {
      this.failure ??= why;
    };
    const { held, pool, groups } = this;
    const reads = new Set(this.reads);
    let readbacks = 0;
    // Names the dispatches that follow, for profiles.
    let program = '?';
    return {
      program(name) {
        program = name;
      },
      acquireBuffer(size, usage, mapped, reuse, acquire) {
        const b = reuse ? pool.get(poolKey(size, usage))?.pop() : undefined;
        if (b) {
          held.delete(b);
          return b;
        }
        // A buffer mapped at creation would get its values outside any command: stage them.
        const storage = (usage & FLAG_USAGE.STORAGE) !== 0;
        return acquire(size, usage, storage ? false : mapped, reuse);
      },
      releaseBuffer(b, reuse, release) {
        if ((b.usage & FLAG_USAGE.MAP_READ) !== 0) {
          release(b, reuse);
          return;
        }
        held.set(b, reuse);
        // Uniforms and staged uploads were filled outside the commands; the state read at the
        // start is where it will live again: none of them may take another role.
        const keep = FLAG_USAGE.UNIFORM | FLAG_USAGE.MAP_WRITE;
        if ((b.usage & keep) !== 0 || !reuse || reads.has(b)) return;
        const key = poolKey(b.size, b.usage);
        pool.set(key, [...(pool.get(key) ?? []), b]);
      },
      // Bind groups are made right before use; remember which buffers each one binds.
      bindGroup(group, d) {
        const buffers: GPUBuffer[] = [];
        for (const e of d.entries) {
          const r = e.resource as { buffer?: unknown };
          if (isBuffer(r.buffer)) buffers.push(r.buffer);
          else if (!isBuffer(r)) fail('a bind group with a texture or sampler');
        }
        groups.set(group, buffers);
      },
      beginPass(d) {
        if (d?.timestampWrites) fail('a profiler was timing the step');
        log({ kind: 'pass' });
      },
      copy(src, srcOffset, dst, dstOffset, size) {
        if ((dst.usage & FLAG_USAGE.MAP_READ) !== 0) {
          // The read the caller marked is replayed by run(); any other would be baked in.
          if (src !== segment.readback || ++readbacks > 1)
            fail('the step read back something else');
          return;
        }
        log({ kind: 'copy', src, srcOffset, dst, dstOffset, size });
      },
      endPass: () => log({ kind: 'end' }),
      pipeline: (pipeline) => log({ kind: 'pipeline', pipeline }),
      bind(index, group, dynamicOffsets) {
        if (dynamicOffsets) fail('dynamic offsets');
        log({ kind: 'bind', index, group });
      },
      dispatch: (x, y, z) => log({ kind: 'dispatch', x, y, z, program }),
      indirectDispatch: () => fail('an indirect dispatch'),
      writeBuffer(b) {
        if ((b.usage & FLAG_USAGE.UNIFORM) === 0) fail('a buffer written outside the commands');
      },
    };
  }
}
