/**
 * WebGPU's flag values (GPUBufferUsage, GPUMapMode: the spec's numbers) without needing its
 * globals, which ml/ code cannot count on; and the timestamp read-back that the step timer and
 * the replay profiler share.
 */
export const FLAG_USAGE = {
  MAP_READ: 0x0001,
  MAP_WRITE: 0x0002,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
  QUERY_RESOLVE: 0x0200,
};
export const MAP_MODE_READ = 0x0001;

const TIMESTAMP_BYTES = 8;

/** Where `count` timestamps are resolved on the GPU, and where they are read from. */
export interface TimestampBuffers {
  readonly querySet: GPUQuerySet;
  readonly resolved: GPUBuffer;
  readonly readback: GPUBuffer;
  readonly bytes: number;
}

export function timestampBuffers(device: GPUDevice, count: number): TimestampBuffers {
  const bytes = count * TIMESTAMP_BYTES;
  return {
    querySet: device.createQuerySet({ type: 'timestamp', count }),
    resolved: device.createBuffer({
      size: bytes,
      usage: FLAG_USAGE.QUERY_RESOLVE | FLAG_USAGE.COPY_SRC,
    }),
    readback: device.createBuffer({
      size: bytes,
      usage: FLAG_USAGE.MAP_READ | FLAG_USAGE.COPY_DST,
    }),
    bytes,
  };
}

/** Resolves the first `count` timestamps and queues their copy to the read-back buffer. */
export function resolveTimestamps(enc: GPUCommandEncoder, t: TimestampBuffers, count: number) {
  enc.resolveQuerySet(t.querySet, 0, count, t.resolved, 0);
  enc.copyBufferToBuffer(t.resolved, 0, t.readback, 0, t.bytes);
}

/** The timestamps (ns) once the copy queued by resolveTimestamps has run. */
export async function readTimestamps(t: TimestampBuffers): Promise<BigUint64Array> {
  await t.readback.mapAsync(MAP_MODE_READ, 0, t.bytes);
  const stamps = new BigUint64Array(t.readback.getMappedRange(0, t.bytes).slice(0));
  t.readback.unmap();
  return stamps;
}

export function destroyTimestamps(t: TimestampBuffers): void {
  t.querySet.destroy();
  t.resolved.destroy();
  t.readback.destroy();
}
