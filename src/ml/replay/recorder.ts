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
 * The backend is reached through the fields tfjs-backend-webgpu 4.x has (duck typing, as ml/
 * imports no backend package); `StepRecorder.for` returns null when they are missing.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { redirectStateWrites } from './direct-state-writes';
import { override, tap } from './patch';
import { FLAG_USAGE } from './gpu-flags';
import {
  type Command,
  RecordedStep,
  type RecorderBackend,
  type Segment,
  type StateSlot,
  isBuffer,
  uncachedIds,
} from './recorded-step';

export class RecordingFailed extends Error {}

function poolKey(size: number, usage: number): string {
  return `${size}_${usage}`;
}

/** The tfjs version whose private members the recorder uses (checked through Dawn in Vitest). */
export const RECORDER_TFJS_VERSION = '4.22.0';

/** Why steps cannot be recorded with this tfjs, or null when they can. */
export function recorderRefusal(tfjsVersion: string): string | null {
  return tfjsVersion === RECORDER_TFJS_VERSION
    ? null
    : `recording is written for tfjs ${RECORDER_TFJS_VERSION}, this is ${tfjsVersion}`;
}

export class StepRecorder {
  private readonly encoderProto: object;
  private readonly passProto: object;

  private constructor(readonly backend: RecorderBackend) {
    // The prototypes whose methods tfjs calls; a throwaway encoder shows them (never submitted).
    const enc = backend.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.end();
    enc.finish();
    this.encoderProto = Object.getPrototypeOf(enc) as object;
    this.passProto = Object.getPrototypeOf(pass) as object;
  }

  /**
   * A recorder for `backend`, or null when it is not a tfjs webgpu backend we know: recording
   * reaches into tfjs' private members, so it runs only on the tfjs version it was written and
   * checked for (package.json pins it); any other version trains through plain tfjs steps.
   */
  static for(backend: unknown, tfjsVersion: string): StepRecorder | null {
    if (recorderRefusal(tfjsVersion) !== null) return null;
    if (typeof backend !== 'object' || backend === null) return null;
    const b = backend as Record<string, unknown>;
    const fns = ['uploadToGPU', 'endComputePassEncoder', 'submitQueue', 'convertAndCacheOnCPU'];
    if (!fns.every((f) => typeof b[f] === 'function')) return null;
    const bm = b.bufferManager as Record<string, unknown> | undefined;
    if (typeof bm?.acquireBuffer !== 'function' || typeof bm.releaseBuffer !== 'function') {
      return null;
    }
    const device = b.device as Record<string, unknown> | undefined;
    if (typeof device?.createCommandEncoder !== 'function' || typeof b.queue !== 'object') {
      return null;
    }
    if (typeof (b.tensorMap as Record<string, unknown> | undefined)?.get !== 'function') {
      return null;
    }
    return new StepRecorder(backend as RecorderBackend);
  }

  bufferOf(t: tf.TensorInfo): GPUBuffer | null {
    const r = this.backend.tensorMap.get(t.dataId)?.resource;
    return isBuffer(r) ? r : null;
  }

  /** `t`'s buffer, uploading values still on the CPU first; `what` names it in the error. */
  uploaded(t: tf.TensorInfo, what: string): GPUBuffer {
    this.backend.uploadToGPU(t.dataId);
    const b = this.bufferOf(t);
    if (!b) throw new RecordingFailed(`${what} has no GPU buffer`);
    return b;
  }

  /** Sends what tfjs has encoded so far, so it runs before what comes next. */
  flush(): void {
    if (!this.backend.commandEncoder) return;
    this.backend.endComputePassEncoder();
    this.backend.submitQueue();
  }

  /** Starts recording a step that reads and replaces `state` (paused: add inputs, then resume). */
  start(state: readonly tf.TensorInfo[]): RecordingSession {
    return new RecordingSession(this, this.encoderProto, this.passProto, state);
  }
}

export class RecordingSession {
  private readonly segments: Segment[] = [];
  private pendingInputs = new Map<string, GPUBuffer>();
  private readonly pool = new Map<string, GPUBuffer[]>();
  /** Buffers freed while recording: ours now, with the `reuse` tfjs freed them with. */
  private readonly held = new Map<GPUBuffer, boolean>();
  private readonly groups = new Map<GPUBindGroup, GPUBuffer[]>();
  private readonly reads: GPUBuffer[];
  private undo: (() => void)[] = [];
  private failure: string | null = null;
  private closed = false;

  constructor(
    private readonly recorder: StepRecorder,
    private readonly encoderProto: object,
    private readonly passProto: object,
    state: readonly tf.TensorInfo[],
  ) {
    this.reads = state.map((t) => recorder.uploaded(t, 'a state tensor'));
  }

  /** Declares `t` an input of the next segment (its values are rewritten on each replay). */
  input(name: string, t: tf.TensorInfo): void {
    if (this.undo.length) throw new Error('recording: inputs are added while paused');
    this.pendingInputs.set(name, this.recorder.uploaded(t, `input ${name}`));
  }

  /** Opens the next segment and watches the GPU calls made until pause(). */
  resume(): void {
    if (this.closed || this.undo.length) throw new Error('recording: resume while recording');
    // Work encoded before now (uploads, others' ops) is not part of the step.
    this.recorder.flush();
    const segment: Segment = { commands: [], inputs: this.pendingInputs, readback: null };
    this.pendingInputs = new Map();
    this.segments.push(segment);
    this.watch(segment);
  }

  /** Marks `t` as read back at the end of the current segment (call before reading it). */
  readback(t: tf.TensorInfo): void {
    const segment = this.segments[this.segments.length - 1];
    if (!segment || t.dtype !== 'float32') throw new Error('recording: bad read-back');
    segment.readback = this.recorder.uploaded(t, 'the read-back');
  }

  pause(): void {
    for (const u of this.undo.reverse()) u();
    this.undo = [];
  }

  /** Gives back everything the recording held; the step that ran is unaffected. */
  abort(): void {
    if (this.closed) return;
    this.pause();
    this.closed = true;
    const bm = this.recorder.backend.bufferManager;
    for (const [b, reuse] of this.held) bm.releaseBuffer(b, reuse);
    this.held.clear();
  }

  /**
   * Ends the recording (while recording, after the step freed its tensors) and checks that it can
   * be replayed; `state` are the same tensors as at start(), holding the step's results now.
   */
  finish(state: readonly tf.TensorInfo[]): RecordedStep {
    try {
      // Frees what waited for the submit (while still watching, so those buffers are ours).
      this.recorder.flush();
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
    const { backend } = this.recorder;
    const touched = this.touched();
    // Checks first: a failure leaves everything to abort().
    const slots: StateSlot[] = state.map((t, i) => {
      const written = this.recorder.bufferOf(t);
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
      else backend.bufferManager.releaseBuffer(b, reuse);
    }
    this.held.clear();
    // The state goes back to the buffers it was read from (the tensors own them again); the
    // buffers the step wrote it to become the recording's.
    const enc = backend.device.createCommandEncoder();
    for (const s of slots) {
      enc.copyBufferToBuffer(s.written, 0, s.read, 0, s.read.size);
      const data = backend.tensorMap.get(s.dataId);
      if (data) {
        data.resource = s.read;
        // Whatever a read kept on the CPU is out of date from the first replay on.
        data.values = null;
      }
      uncachedIds(backend).add(s.dataId);
      owned.delete(s.read);
      owned.set(s.written, true);
    }
    backend.queue.submit([enc.finish()]);
    const copied = slots.filter((s) => !direct.has(s));
    return new RecordedStep(this.recorder, this.segments, slots, copied, owned);
  }

  private watch(segment: Segment): void {
    const { backend } = this.recorder;
    const log = (c: Command): void => {
      segment.commands.push(c);
    };
    const fail = (why: string): void => {
      this.failure ??= why;
    };
    const { held, pool } = this;
    const reads = new Set(this.reads);
    let readbacks = 0;
    let program = '?';
    this.undo = [
      // Names the dispatches that follow, for profiles.
      tap(backend, 'runWebGPUProgram', (a) => {
        program = programName(a[0]);
      }),
      override(backend.bufferManager, 'acquireBuffer', (acquire) => {
        return (size: number, usage: number, mapped = false, reuse = true): GPUBuffer => {
          const b = reuse ? pool.get(poolKey(size, usage))?.pop() : undefined;
          if (b) {
            held.delete(b);
            return b;
          }
          // A buffer mapped at creation would get its values outside any command: stage them.
          const storage = (usage & FLAG_USAGE.STORAGE) !== 0;
          return acquire(size, usage, storage ? false : mapped, reuse);
        };
      }),
      override(backend.bufferManager, 'releaseBuffer', (release) => {
        return (b: GPUBuffer, reuse = true): void => {
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
        };
      }),
      // Bind groups are made right before use; remember which buffers each one binds.
      override(backend.device, 'createBindGroup', (create) => {
        return (d: GPUBindGroupDescriptor): GPUBindGroup => {
          const group = create(d);
          const buffers: GPUBuffer[] = [];
          for (const e of d.entries) {
            const r = e.resource as { buffer?: unknown };
            if (isBuffer(r.buffer)) buffers.push(r.buffer);
            else if (!isBuffer(r)) fail('a bind group with a texture or sampler');
          }
          this.groups.set(group, buffers);
          return group;
        };
      }),
      tap(this.encoderProto, 'beginComputePass', (a) => {
        const d = a[0] as GPUComputePassDescriptor | undefined;
        if (d?.timestampWrites) fail('a profiler was timing the step');
        log({ kind: 'pass' });
      }),
      tap(this.encoderProto, 'copyBufferToBuffer', (a) => {
        const [src, srcOffset, dst, dstOffset, size] = a as [
          GPUBuffer,
          number,
          GPUBuffer,
          number,
          number,
        ];
        if ((dst.usage & FLAG_USAGE.MAP_READ) !== 0) {
          // The read the caller marked is replayed by run(); any other would be baked in.
          if (src !== segment.readback || ++readbacks > 1)
            fail('the step read back something else');
          return;
        }
        log({ kind: 'copy', src, srcOffset, dst, dstOffset, size });
      }),
      tap(this.passProto, 'end', () => log({ kind: 'end' })),
      tap(this.passProto, 'setPipeline', (a) => {
        log({ kind: 'pipeline', pipeline: a[0] as GPUComputePipeline });
      }),
      tap(this.passProto, 'setBindGroup', (a) => {
        if (a.length > 2) fail('dynamic offsets');
        log({ kind: 'bind', index: a[0] as number, group: a[1] as GPUBindGroup });
      }),
      tap(this.passProto, 'dispatchWorkgroups', (a) => {
        const [x, y, z] = a as [number, number?, number?];
        log({ kind: 'dispatch', x, y: y ?? 1, z: z ?? 1, program });
      }),
      tap(this.passProto, 'dispatchWorkgroupsIndirect', () => fail('an indirect dispatch')),
      tap(backend.queue, 'writeBuffer', (a) => {
        const b = a[0] as GPUBuffer;
        if ((b.usage & FLAG_USAGE.UNIFORM) === 0) fail('a buffer written outside the commands');
      }),
    ];
  }
}

/** tfjs' program classes by name; ours (plain objects) by their shader key. */
function programName(program: unknown): string {
  if (typeof program !== 'object' || program === null) return '?';
  const name = (program as { constructor?: { name?: string } }).constructor?.name;
  if (name && name !== 'Object') return name;
  const key = (program as { shaderKey?: unknown }).shaderKey;
  return typeof key === 'string' ? key : '?';
}
