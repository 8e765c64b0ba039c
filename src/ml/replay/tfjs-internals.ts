/**
 * The one file that reaches into tfjs' private members: tfjs-backend-webgpu's backend (tensor map,
 * buffer manager, command encoder, queue, device), its method to cache reads on the CPU, and the
 * WebGPU encoder prototypes whose calls the recorder watches. Everything else (the recorder, the
 * replay, our kernels' buffer copies and programs) goes through what this file hands out.
 *
 * Those members are not tfjs' public API and may change in any release, so this file is written
 * for one tfjs version (package.json pins it exactly) and hands out nothing on any other: steps
 * then run through plain tfjs, our WGSL kernels are not registered (the tfjs-ops formulation
 * runs) and flat packing uses Concat/SplitV. The Train tab says why ("through tfjs (…)").
 *
 * Porting to a new tfjs version: read tfjs-backend-webgpu's backend_webgpu.js and buffer_manager.js
 * for every member named in `WebGPUBackendLike` and `BufferManagerLike` below (and the order of
 * calls the recorder relies on: a program's bind group is made right before its dispatch, reads
 * go through convertAndCacheOnCPU, freed buffers wait in commandQueueOwnedIds for the submit),
 * then bump TFJS_VERSION and run the Dawn checks (`npx vitest run src/ml/replay src/ml/kernels`):
 * they compare replayed steps and our kernels with plain tfjs, bit for bit.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type Undo, override, tap, undoAll } from './patch';

/** The tfjs version whose private members this file uses (checked through Dawn in Vitest). */
export const TFJS_VERSION = '4.22.0';

/** Why tfjs' internals are off limits with this tfjs, or null when they are not. */
export function internalsRefusal(tfjsVersion: string): string | null {
  return tfjsVersion === TFJS_VERSION
    ? null
    : `recording is written for tfjs ${TFJS_VERSION}, this is ${tfjsVersion}`;
}

interface BufferManagerLike {
  acquireBuffer(
    size: number,
    usage: number,
    mappedAtCreation?: boolean,
    reuse?: boolean,
  ): GPUBuffer;
  releaseBuffer(buffer: GPUBuffer, reuse?: boolean): void;
  numBytesUsed: number;
}

interface TensorDataLike {
  resource?: unknown;
  /** Values kept on the CPU: after an upload, or after a read (tfjs caches what it read). */
  values?: unknown;
}

/** The parts of tfjs-backend-webgpu 4.22's WebGPUBackend used here (most of them private). */
interface WebGPUBackendLike {
  readonly device: GPUDevice;
  readonly queue: GPUQueue;
  readonly bufferManager: BufferManagerLike;
  readonly tensorMap: { get(dataId: tf.DataId): TensorDataLike | undefined };
  readonly commandEncoder: GPUCommandEncoder | null;
  /** Tensors used by commands not yet submitted: their buffers are freed after the submit. */
  readonly commandQueueOwnedIds: WeakSet<tf.DataId>;
  uploadToGPU(dataId: tf.DataId): void;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  /** Where a read stores what it read, for later reads of the same tensor. */
  convertAndCacheOnCPU(dataId: tf.DataId, data: unknown): unknown;
  makeTensorInfo(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  runWebGPUProgram(
    program: unknown,
    inputs: tf.TensorInfo[],
    dtype: tf.DataType,
    uniforms?: unknown,
  ): tf.TensorInfo;
  disposeData(dataId: tf.DataId): boolean;
}

const METHODS = [
  'uploadToGPU',
  'ensureCommandEncoderReady',
  'endComputePassEncoder',
  'submitQueue',
  'convertAndCacheOnCPU',
  'makeTensorInfo',
  'runWebGPUProgram',
  'disposeData',
] as const;

/** `backend` as tfjs 4.22's webgpu backend, or null (another version or another backend). */
function asWebGPU(backend: unknown, tfjsVersion: string): WebGPUBackendLike | null {
  if (internalsRefusal(tfjsVersion) !== null) return null;
  if (typeof backend !== 'object' || backend === null) return null;
  const b = backend as Record<string, unknown>;
  if (!METHODS.every((m) => typeof b[m] === 'function')) return null;
  const bm = b.bufferManager as Record<string, unknown> | undefined;
  if (typeof bm?.acquireBuffer !== 'function' || typeof bm.releaseBuffer !== 'function') {
    return null;
  }
  const device = b.device as Record<string, unknown> | undefined;
  if (typeof device?.createCommandEncoder !== 'function' || typeof b.queue !== 'object') {
    return null;
  }
  if (typeof (b.tensorMap as Record<string, unknown> | undefined)?.get !== 'function') return null;
  if (!(b.commandQueueOwnedIds instanceof WeakSet)) return null;
  return backend as WebGPUBackendLike;
}

export function isBuffer(x: unknown): x is GPUBuffer {
  return typeof x === 'object' && x !== null && 'size' in x && 'usage' in x && 'mapAsync' in x;
}

/** What the recorder is told while it watches a step (see WebGPUInternals.watch). */
export interface GpuCallWatcher {
  /** tfjs is about to run `program` (its class name, or our programs' shader key). */
  program(name: string): void;
  /** Stands in for the buffer manager's acquire; `acquire` is tfjs' own. */
  acquireBuffer(
    size: number,
    usage: number,
    mapped: boolean,
    reuse: boolean,
    acquire: (size: number, usage: number, mapped: boolean, reuse: boolean) => GPUBuffer,
  ): GPUBuffer;
  /** Stands in for the buffer manager's release; `release` is tfjs' own. */
  releaseBuffer(
    buffer: GPUBuffer,
    reuse: boolean,
    release: (b: GPUBuffer, r: boolean) => void,
  ): void;
  bindGroup(group: GPUBindGroup, descriptor: GPUBindGroupDescriptor): void;
  beginPass(descriptor: GPUComputePassDescriptor | undefined): void;
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, size: number): void;
  endPass(): void;
  pipeline(pipeline: GPUComputePipeline): void;
  bind(index: number, group: GPUBindGroup, dynamicOffsets: boolean): void;
  dispatch(x: number, y: number, z: number): void;
  indirectDispatch(): void;
  writeBuffer(buffer: GPUBuffer): void;
}

/** What the recorder and the replay need of tfjs' webgpu backend. */
export interface WebGPUInternals {
  /** The backend object itself (a step on any other backend runs through tfjs). */
  readonly backend: object;
  readonly device: GPUDevice;
  readonly queue: GPUQueue;
  /** The tensor's GPU buffer, or null while its values are only on the CPU. */
  bufferOf(dataId: tf.DataId): GPUBuffer | null;
  /** Gives the tensor a GPU buffer, uploading values still on the CPU. */
  upload(dataId: tf.DataId): void;
  /** Sends what tfjs has encoded so far, so it runs before what comes next. */
  flush(): void;
  /** Gives a buffer back to tfjs' pool. */
  releaseBuffer(buffer: GPUBuffer, reuse: boolean): void;
  /** Moves the tensor to `buffer` (which then holds its values); drops values kept on the CPU. */
  rehome(dataId: tf.DataId, buffer: GPUBuffer): void;
  /**
   * Keeps reads of `ids` off tfjs' CPU cache until the returned undo: their values change under
   * the same tensor (replayed state), so a cached read would answer from an older step — even a
   * read that was in flight while a replay ran. The backend's method is patched while any such
   * set is held, and restored when the last one is given back.
   */
  keepOffCpuCache(ids: ReadonlySet<tf.DataId>): Undo;
  /** Bytes in tfjs' buffers in use (for leak checks). */
  bytesInUse(): number;
  /**
   * Watches every GPU call tfjs makes until the returned undo, which puts back every method it
   * replaced (backend, buffer manager, device, queue, and the encoder and pass prototypes).
   */
  watch(watcher: GpuCallWatcher): Undo;
}

/** The prototypes whose methods tfjs calls; a throwaway encoder shows them (never submitted). */
const prototypes = new WeakMap<GPUDevice, { encoder: object; pass: object }>();

function prototypesOf(device: GPUDevice): { encoder: object; pass: object } {
  let p = prototypes.get(device);
  if (!p) {
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.end();
    enc.finish();
    p = {
      encoder: Object.getPrototypeOf(enc) as object,
      pass: Object.getPrototypeOf(pass) as object,
    };
    prototypes.set(device, p);
  }
  return p;
}

/** Per backend: the id sets kept off the CPU cache, and the undo of the patch that does it. */
const offCache = new WeakMap<
  WebGPUBackendLike,
  { sets: Set<ReadonlySet<tf.DataId>>; undo: Undo }
>();

function keepOffCpuCache(b: WebGPUBackendLike, ids: ReadonlySet<tf.DataId>): Undo {
  let entry = offCache.get(b);
  if (!entry) {
    const sets = new Set<ReadonlySet<tf.DataId>>();
    const undo = override(b, 'convertAndCacheOnCPU', (cache) => (dataId, data) => {
      for (const s of sets) if (s.has(dataId)) return data;
      return cache(dataId, data);
    });
    entry = { sets, undo };
    offCache.set(b, entry);
  }
  const held = entry;
  held.sets.add(ids);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    held.sets.delete(ids);
    if (held.sets.size === 0) {
      held.undo();
      offCache.delete(b);
    }
  };
}

/** tfjs' program classes by name; ours (plain objects) by their shader key. */
function programName(program: unknown): string {
  if (typeof program !== 'object' || program === null) return '?';
  const name = (program as { constructor?: { name?: string } }).constructor?.name;
  if (name && name !== 'Object') return name;
  const key = (program as { shaderKey?: unknown }).shaderKey;
  return typeof key === 'string' ? key : '?';
}

function watch(b: WebGPUBackendLike, w: GpuCallWatcher): Undo {
  const proto = prototypesOf(b.device);
  const undos: Undo[] = [];
  try {
    undos.push(
      tap(b, 'runWebGPUProgram', (a) => w.program(programName(a[0]))),
      override(b.bufferManager, 'acquireBuffer', (acquire) => {
        return (size, usage, mapped = false, reuse = true) =>
          w.acquireBuffer(size, usage, mapped, reuse, acquire);
      }),
      override(b.bufferManager, 'releaseBuffer', (release) => {
        return (buffer, reuse = true) => w.releaseBuffer(buffer, reuse, release);
      }),
      override(b.device, 'createBindGroup', (create) => {
        return (d: GPUBindGroupDescriptor): GPUBindGroup => {
          const group = create(d);
          w.bindGroup(group, d);
          return group;
        };
      }),
      tap(proto.encoder, 'beginComputePass', (a) => {
        w.beginPass(a[0] as GPUComputePassDescriptor | undefined);
      }),
      tap(proto.encoder, 'copyBufferToBuffer', (a) => {
        const [src, srcOffset, dst, dstOffset, size] = a as [
          GPUBuffer,
          number,
          GPUBuffer,
          number,
          number,
        ];
        w.copy(src, srcOffset, dst, dstOffset, size);
      }),
      tap(proto.pass, 'end', () => w.endPass()),
      tap(proto.pass, 'setPipeline', (a) => w.pipeline(a[0] as GPUComputePipeline)),
      tap(proto.pass, 'setBindGroup', (a) => {
        w.bind(a[0] as number, a[1] as GPUBindGroup, a.length > 2);
      }),
      tap(proto.pass, 'dispatchWorkgroups', (a) => {
        const [x, y, z] = a as [number, number?, number?];
        w.dispatch(x, y ?? 1, z ?? 1);
      }),
      tap(proto.pass, 'dispatchWorkgroupsIndirect', () => w.indirectDispatch()),
      tap(b.queue, 'writeBuffer', (a) => w.writeBuffer(a[0] as GPUBuffer)),
    );
  } catch (error) {
    undoAll(undos);
    throw error;
  }
  return () => undoAll(undos);
}

/** The webgpu backend's internals for recording and replaying, or null (see asWebGPU). */
export function webgpuInternals(
  backend: unknown,
  tfjsVersion: string = tf.version_core,
): WebGPUInternals | null {
  const b = asWebGPU(backend, tfjsVersion);
  if (!b) return null;
  const bufferOf = (dataId: tf.DataId): GPUBuffer | null => {
    const r = b.tensorMap.get(dataId)?.resource;
    return isBuffer(r) ? r : null;
  };
  return {
    backend: b,
    device: b.device,
    queue: b.queue,
    bufferOf,
    upload: (dataId) => b.uploadToGPU(dataId),
    flush() {
      if (!b.commandEncoder) return;
      b.endComputePassEncoder();
      b.submitQueue();
    },
    releaseBuffer: (buffer, reuse) => b.bufferManager.releaseBuffer(buffer, reuse),
    rehome(dataId, buffer) {
      const data = b.tensorMap.get(dataId);
      if (!data) return;
      data.resource = buffer;
      // Whatever a read kept on the CPU is out of date once the buffer's values change.
      data.values = null;
    },
    keepOffCpuCache: (ids) => keepOffCpuCache(b, ids),
    bytesInUse: () => b.bufferManager.numBytesUsed,
    watch: (w) => watch(b, w),
  };
}

/** What a GPU buffer copy between tensors needs (our flat pack and unpack kernels). */
export interface BufferCopies {
  makeTensorInfo(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /**
   * The tensor's GPU buffer (uploaded first), marked as used by commands not yet submitted so
   * the backend defers freeing it until the submit (a freed buffer must not be handed out, and
   * written by an upload, before the copy ran).
   */
  bufferFor(t: tf.TensorInfo): GPUBuffer;
  /** The backend's command encoder, outside any compute pass (a copy cannot go inside one). */
  encoder(): GPUCommandEncoder;
}

/** Buffer copies on tfjs' webgpu backend, or null (then the callers keep Concat/SplitV). */
export function bufferCopies(
  backend: unknown,
  tfjsVersion: string = tf.version_core,
): BufferCopies | null {
  const b = asWebGPU(backend, tfjsVersion);
  if (!b) return null;
  return {
    makeTensorInfo: (shape, dtype) => b.makeTensorInfo(shape, dtype),
    bufferFor(t) {
      b.uploadToGPU(t.dataId);
      const r = b.tensorMap.get(t.dataId)?.resource;
      if (!isBuffer(r)) throw new Error('webgpu copy: tensor has no GPU buffer');
      b.commandQueueOwnedIds.add(t.dataId);
      return r;
    },
    encoder() {
      b.ensureCommandEncoderReady();
      b.endComputePassEncoder();
      const enc = b.commandEncoder;
      if (!enc) throw new Error('webgpu copy: no command encoder');
      return enc;
    },
  };
}

/** What our WGSL kernels need: running a program (webgpu-program.ts's shape) and freeing data. */
export interface ProgramRunner {
  runWebGPUProgram(
    program: unknown,
    inputs: tf.TensorInfo[],
    dtype: tf.DataType,
    uniforms?: readonly { type: 'int32' | 'float32'; data: number[] }[],
  ): tf.TensorInfo;
  disposeData(dataId: tf.DataId): void;
}

/** tfjs' webgpu backend as a runner of our programs, or null (then no WGSL kernels register). */
export function programRunner(
  backend: unknown,
  tfjsVersion: string = tf.version_core,
): ProgramRunner | null {
  return asWebGPU(backend, tfjsVersion) as ProgramRunner | null;
}
