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

interface BufferManagerLike {
  acquireBuffer(
    size: number,
    usage: number,
    mappedAtCreation?: boolean,
    reuse?: boolean,
  ): GPUBuffer;
  releaseBuffer(buffer: GPUBuffer, reuse?: boolean): void;
}

interface TensorDataLike {
  resource?: unknown;
  /** Values kept on the CPU: after an upload, or after a read (tfjs caches what it read). */
  values?: unknown;
}

interface RecorderBackend {
  readonly device: GPUDevice;
  readonly queue: GPUQueue;
  readonly bufferManager: BufferManagerLike;
  readonly tensorMap: { get(dataId: tf.DataId): TensorDataLike | undefined };
  readonly commandEncoder: GPUCommandEncoder | null;
  uploadToGPU(dataId: tf.DataId): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  /** Where a read stores what it read, for later reads of the same tensor. */
  convertAndCacheOnCPU(dataId: tf.DataId, data: unknown): unknown;
}

/**
 * Tensors whose values change under the same tensor (replayed state), per backend: reads of them
 * are not kept on the CPU, or a later read would answer from an older step — even a read that was
 * in flight while a replay ran. One hook per backend, installed once.
 */
const uncached = new WeakMap<RecorderBackend, Set<tf.DataId>>();

function uncachedIds(backend: RecorderBackend): Set<tf.DataId> {
  let ids = uncached.get(backend);
  if (!ids) {
    const set = new Set<tf.DataId>();
    ids = set;
    uncached.set(backend, set);
    override(backend, 'convertAndCacheOnCPU', (cache) => (dataId, data) => {
      return set.has(dataId) ? data : cache(dataId, data);
    });
  }
  return ids;
}

type Command =
  | { readonly kind: 'pass' }
  | { readonly kind: 'end' }
  | { readonly kind: 'pipeline'; readonly pipeline: GPUComputePipeline }
  | { readonly kind: 'bind'; readonly index: number; readonly group: GPUBindGroup }
  | { readonly kind: 'dispatch'; readonly x: number; readonly y: number; readonly z: number }
  | {
      readonly kind: 'copy';
      readonly src: GPUBuffer;
      readonly srcOffset: number;
      readonly dst: GPUBuffer;
      readonly dstOffset: number;
      readonly size: number;
    };

interface Segment {
  readonly commands: Command[];
  /** Per-replay inputs: name → the buffer the recorded step read them from. */
  readonly inputs: Map<string, GPUBuffer>;
  /** The buffer read back at the end of the segment (float32), if any. */
  readback: GPUBuffer | null;
}

interface StateSlot {
  readonly dataId: tf.DataId;
  /** Where the recorded step read it, and where it lives between replays (the tensor's buffer). */
  readonly read: GPUBuffer;
  /** Where the recorded step wrote the next value. */
  readonly written: GPUBuffer;
}

export type ReplayInputs = Readonly<Record<string, Float32Array | Int32Array>>;

export class RecordingFailed extends Error {}

// GPUBufferUsage and GPUMapMode values (the spec's), without needing the globals.
const FLAG_USAGE = {
  MAP_READ: 0x0001,
  MAP_WRITE: 0x0002,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
};
const MAP_MODE_READ = 0x0001;

function isBuffer(x: unknown): x is GPUBuffer {
  return typeof x === 'object' && x !== null && 'size' in x && 'usage' in x && 'mapAsync' in x;
}

function poolKey(size: number, usage: number): string {
  return `${size}_${usage}`;
}

/** Sets `obj[name]`; returns the undo (restoring an own property, or removing ours). */
function replace(obj: object, name: string, value: unknown): () => void {
  const o = obj as Record<string, unknown>;
  const own = Object.prototype.hasOwnProperty.call(o, name);
  const original = o[name];
  o[name] = value;
  return () => {
    if (own) o[name] = original;
    else delete o[name];
  };
}

/** An instance's method replaced by `make(the original, bound to it)`; returns the undo. */
function override<T extends object, K extends keyof T & string>(
  obj: T,
  name: K,
  make: (original: T[K]) => T[K],
): () => void {
  const original = obj[name];
  const bound: unknown = typeof original === 'function' ? original.bind(obj) : original;
  return replace(obj, name, make(bound as T[K]));
}

/** A method (of an instance, or of a prototype) that calls `before(args)` first. */
function tap(obj: object, name: string, before: (args: unknown[]) => void): () => void {
  const original = (obj as Record<string, (...args: unknown[]) => unknown>)[name];
  return replace(obj, name, function (this: unknown, ...args: unknown[]) {
    before(args);
    return original?.apply(this, args);
  });
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

  /** A recorder for `backend`, or null when it is not a tfjs webgpu backend we know. */
  static for(backend: unknown): StepRecorder | null {
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
    this.reads = state.map((t) => {
      recorder.backend.uploadToGPU(t.dataId);
      const b = recorder.bufferOf(t);
      if (!b) throw new RecordingFailed('a state tensor has no GPU buffer');
      return b;
    });
  }

  /** Declares `t` an input of the next segment (its values are rewritten on each replay). */
  input(name: string, t: tf.TensorInfo): void {
    if (this.undo.length) throw new Error('recording: inputs are added while paused');
    this.recorder.backend.uploadToGPU(t.dataId);
    const b = this.recorder.bufferOf(t);
    if (!b) throw new RecordingFailed(`input ${name} has no GPU buffer`);
    this.pendingInputs.set(name, b);
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
    this.recorder.backend.uploadToGPU(t.dataId);
    const b = this.recorder.bufferOf(t);
    if (!segment || !b || t.dtype !== 'float32') throw new Error('recording: bad read-back');
    segment.readback = b;
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
    return new RecordedStep(this.recorder, this.segments, slots, owned);
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
    this.undo = [
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
        log({ kind: 'dispatch', x, y: y ?? 1, z: z ?? 1 });
      }),
      tap(this.passProto, 'dispatchWorkgroupsIndirect', () => fail('an indirect dispatch')),
      tap(backend.queue, 'writeBuffer', (a) => {
        const b = a[0] as GPUBuffer;
        if ((b.usage & FLAG_USAGE.UNIFORM) === 0) fail('a buffer written outside the commands');
      }),
    ];
  }
}

export class RecordedStep {
  private readonly staging: GPUBuffer | null;
  private disposed = false;
  /** JavaScript time of the last replay: writing inputs, encoding and submitting its segments. */
  encodeMs = 0;

  constructor(
    private readonly recorder: StepRecorder,
    private readonly segments: readonly Segment[],
    private readonly state: readonly StateSlot[],
    private readonly owned: Map<GPUBuffer, boolean>,
  ) {
    const bytes = Math.max(0, ...segments.map((s) => s.readback?.size ?? 0));
    this.staging =
      bytes > 0
        ? recorder.backend.device.createBuffer({
            size: bytes,
            usage: FLAG_USAGE.MAP_READ | FLAG_USAGE.COPY_DST,
          })
        : null;
  }

  /** Whether `state` (the tensors given at start) still lives where this recording keeps it. */
  matches(state: readonly tf.TensorInfo[]): boolean {
    return (
      !this.disposed &&
      state.length === this.state.length &&
      state.every((t, i) => {
        const s = this.state[i];
        return s?.dataId === t.dataId && this.recorder.bufferOf(t) === s.read;
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
    const { backend } = this.recorder;
    const t0 = performance.now();
    this.recorder.flush();
    for (const [name, buffer] of segment.inputs) {
      const v = inputs[name];
      if (!v || v.byteLength !== buffer.size) {
        throw new Error(`replay: input ${name} must be ${buffer.size} bytes`);
      }
      backend.queue.writeBuffer(buffer, 0, v.buffer, v.byteOffset, v.byteLength);
    }
    const enc = backend.device.createCommandEncoder();
    encode(enc, segment.commands);
    if (index === this.segments.length - 1) {
      for (const s of this.state) {
        enc.copyBufferToBuffer(s.written, 0, s.read, 0, s.read.size);
      }
    }
    const staging = this.staging;
    const rb = segment.readback;
    if (rb && staging) enc.copyBufferToBuffer(rb, 0, staging, 0, rb.size);
    backend.queue.submit([enc.finish()]);
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
    const { backend } = this.recorder;
    for (const [b, reuse] of this.owned) backend.bufferManager.releaseBuffer(b, reuse);
    this.owned.clear();
    const ids = uncachedIds(backend);
    for (const s of this.state) ids.delete(s.dataId);
    this.staging?.destroy();
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
