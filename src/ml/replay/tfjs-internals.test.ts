import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { REPLAY_TFJS_VERSION, StepReplay, replayRefusal } from '.';
import { bufferCopies, programRunner, webgpuInternals } from './tfjs-internals';

// Stand-ins for tfjs-backend-webgpu's backend and the WebGPU objects it uses: just the members
// the adapter looks for, so that what it patches and restores can be checked without a GPU.
class FakePass {
  end(): void {}
  setPipeline(): void {}
  setBindGroup(): void {}
  dispatchWorkgroups(): void {}
  dispatchWorkgroupsIndirect(): void {}
}
class FakeEncoder {
  beginComputePass(): FakePass {
    return new FakePass();
  }
  copyBufferToBuffer(): void {}
  finish(): object {
    return {};
  }
}
class FakeBackend {
  readonly device = {
    features: new Set<string>(),
    createCommandEncoder: () => new FakeEncoder(),
    createBindGroup: () => ({}),
  };
  readonly queue = { writeBuffer() {}, submit() {} };
  readonly bufferManager = { acquireBuffer() {}, releaseBuffer() {}, numBytesUsed: 0 };
  readonly tensorMap = new Map<tf.DataId, { resource?: unknown; values?: unknown }>();
  readonly commandEncoder = null;
  readonly commandQueueOwnedIds = new WeakSet<tf.DataId>();
  uploadToGPU(): void {}
  ensureCommandEncoderReady(): void {}
  endComputePassEncoder(): void {}
  submitQueue(): void {}
  convertAndCacheOnCPU(_id: tf.DataId, data: unknown): unknown {
    return data;
  }
  makeTensorInfo(): void {}
  runWebGPUProgram(): void {}
  disposeData(): boolean {
    return true;
  }
}

const fakeBuffer = () => ({ size: 4, usage: 0x80, mapAsync() {} });

/** A backend holding one float32 tensor in a (fake) GPU buffer. */
function backendWithTensor(): { backend: FakeBackend; state: tf.TensorInfo[] } {
  const backend = new FakeBackend();
  const dataId = {};
  backend.tensorMap.set(dataId, { resource: fakeBuffer() });
  return { backend, state: [{ dataId, shape: [1], dtype: 'float32' }] };
}

/** Every own member of the objects the adapter may patch, to compare before and after. */
function members(b: FakeBackend): Map<string, unknown> {
  const objects: Record<string, object> = {
    backend: b,
    backendProto: FakeBackend.prototype,
    device: b.device,
    queue: b.queue,
    bufferManager: b.bufferManager,
    encoderProto: FakeEncoder.prototype,
    passProto: FakePass.prototype,
  };
  const out = new Map<string, unknown>();
  for (const [name, o] of Object.entries(objects)) {
    for (const key of Object.getOwnPropertyNames(o)) {
      out.set(`${name}.${key}`, (o as Record<string, unknown>)[key]);
    }
  }
  return out;
}

function expectSameMembers(before: Map<string, unknown>, after: Map<string, unknown>): void {
  expect([...after.keys()]).toEqual([...before.keys()]);
  for (const [key, value] of before) expect(after.get(key), key).toBe(value);
}

describe('the replay engine is tied to one tfjs version', () => {
  it('is the installed tfjs (package.json pins it exactly)', () => {
    expect(tf.version_core).toBe(REPLAY_TFJS_VERSION);
    expect(replayRefusal(tf.version_core)).toBeNull();
  });

  it('on any other version it hands out no internals, and the engine says why', () => {
    const { backend } = backendWithTensor();
    expect(replayRefusal('4.23.0')).toBe('recording is written for tfjs 4.22.0, this is 4.23.0');
    expect(webgpuInternals(backend, '4.23.0')).toBeNull();
    expect(bufferCopies(backend, '4.23.0')).toBeNull();
    expect(programRunner(backend, '4.23.0')).toBeNull();
    const replay = StepReplay.for(backend, '4.23.0');
    expect(replay.serves(backend)).toBe(false);
    expect(replay.info.lastFailure).toBe('recording is written for tfjs 4.22.0, this is 4.23.0');
    // The same backend on the version it was written for is served.
    expect(webgpuInternals(backend, REPLAY_TFJS_VERSION)).not.toBeNull();
    expect(StepReplay.for(backend, REPLAY_TFJS_VERSION).serves(backend)).toBe(true);
  });

  it('serves no other backend (cpu has none of those members)', () => {
    expect(StepReplay.for({ name: 'cpu' }).serves({ name: 'cpu' })).toBe(false);
    expect(StepReplay.for({ name: 'cpu' }).info.lastFailure).toBeNull();
  });
});

describe("tfjs' methods are patched only while a step records", () => {
  it('watches the GPU calls inside a segment, and puts every method back at pause()', async () => {
    const { backend, state } = backendWithTensor();
    const before = members(backend);
    const replay = StepReplay.for(backend);
    const copy = FakeEncoder.prototype.copyBufferToBuffer;
    await replay.record(
      state,
      'k',
      async (rec) => {
        rec.resume();
        expect(FakeEncoder.prototype.copyBufferToBuffer).not.toBe(copy);
        expect(Object.hasOwn(backend, 'runWebGPUProgram')).toBe(true);
        rec.pause();
        expectSameMembers(before, members(backend));
        rec.resume();
        return 'done';
      },
      () => true,
    );
    // The step never replaced its state: no recording, and nothing left patched.
    expect(replay.info.lastFailure).toBe('the step did not replace its state');
    expectSameMembers(before, members(backend));
  });

  it('puts everything back when the step throws mid-segment', async () => {
    const { backend, state } = backendWithTensor();
    const before = members(backend);
    const replay = StepReplay.for(backend);
    await expect(
      replay.record(
        state,
        'k',
        async (rec) => {
          rec.resume();
          throw new Error('the step failed');
        },
        () => true,
      ),
    ).rejects.toThrow('the step failed');
    expectSameMembers(before, members(backend));
  });

  it('puts everything back when the result is not one to replay', async () => {
    const { backend, state } = backendWithTensor();
    const before = members(backend);
    const replay = StepReplay.for(backend);
    const result = await replay.record(
      state,
      'k',
      async (rec) => {
        rec.resume();
        return NaN;
      },
      (loss) => Number.isFinite(loss),
    );
    expect(result).toBeNaN();
    expect(replay.info).toMatchObject({ recorded: 0, lastFailure: null });
    expectSameMembers(before, members(backend));
  });

  it('keeps reads off the CPU cache while any recorded state is held, then restores the method', () => {
    const { backend } = backendWithTensor();
    const gpu = webgpuInternals(backend);
    if (!gpu) throw new Error('no internals');
    const before = members(backend);
    const a = {};
    const b = {};
    const releaseA = gpu.keepOffCpuCache(new Set([a]));
    const releaseB = gpu.keepOffCpuCache(new Set([b]));
    const cache = (id: object): unknown => backend.convertAndCacheOnCPU(id, 'read');
    expect(Object.hasOwn(backend, 'convertAndCacheOnCPU')).toBe(true);
    releaseA();
    releaseA();
    expect(Object.hasOwn(backend, 'convertAndCacheOnCPU')).toBe(true);
    expect(cache(b)).toBe('read');
    releaseB();
    expectSameMembers(before, members(backend));
  });
});
