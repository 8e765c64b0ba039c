/**
 * How fast could a WebGPU training step be enqueued if it were recorded once and replayed? Records
 * the GPU commands of one tiny-preset step (pipelines, bind groups, dispatch sizes, buffer copies)
 * by wrapping Dawn's encoder methods, then re-encodes exactly those commands with the same bind
 * groups and times the JavaScript it takes, next to a normal step's enqueue time in the same
 * process. The replayed commands are not a correct step (the uniform and input buffers hold
 * whatever they hold by then; uploads and read-backs are left out): this measures the floor a
 * recorded step would reach, to size that work before doing it.
 * Usage: npx tsx bench/replay-bound.ts [batch]   (WebGPU through Dawn; on SwiftShader here)
 */
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { trainerFromSettings } from '../src/ml/train/from-settings';
import { reexecWithDawnEnv, setupNodeBackend } from '../src/node/backends';
import { DEFAULT_TRAIN_SETTINGS } from '../src/shared/train-protocol';
import { median } from './timing';

reexecWithDawnEnv();

type Command =
  | { readonly kind: 'begin' }
  | { readonly kind: 'end' }
  | { readonly kind: 'pipeline'; readonly pipeline: GPUComputePipeline }
  | { readonly kind: 'bind'; readonly group: GPUBindGroup }
  | { readonly kind: 'dispatch'; readonly size: [number, number, number] }
  | {
      readonly kind: 'copy';
      readonly args: [GPUBuffer, number, GPUBuffer, number, number];
    };

const SUBMIT_FLAG = 'WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE';

/** Wraps `name` on `proto` so each call also appends a command; returns the undo. */
function tap<T extends object>(
  proto: T,
  name: string,
  toCommand: (args: unknown[]) => Command | null,
  log: Command[],
): () => void {
  const p = proto as Record<string, unknown>;
  const original = p[name] as (...args: unknown[]) => unknown;
  p[name] = function (this: unknown, ...args: unknown[]) {
    const c = toCommand(args);
    if (c) log.push(c);
    return original.apply(this, args);
  };
  return () => {
    p[name] = original;
  };
}

async function main(): Promise<void> {
  const batch = Number(process.argv[2] ?? 8);
  const { tf, adapterInfo } = await setupNodeBackend('webgpu');
  const trainer = trainerFromSettings({ ...DEFAULT_TRAIN_SETTINGS, batchSize: batch }, 'webgpu');
  const x0 = tf.randomUniform([batch, 28, 28, 1], -1, 1) as Tensor4D;
  const labels = Int32Array.from({ length: batch }, (_, i) => i % 10);
  for (let i = 0; i < 3; i++) await trainer.step(x0, labels);

  const submitEvery = tf.env().get(SUBMIT_FLAG);
  tf.env().set(SUBMIT_FLAG, Number.MAX_SAFE_INTEGER);
  const enqueue: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const pending = trainer.step(x0, labels);
    enqueue.push(performance.now() - t0);
    await pending;
  }

  const log: Command[] = [];
  const g = globalThis as unknown as Record<string, { prototype: object }>;
  const pass = g.GPUComputePassEncoder?.prototype;
  const enc = g.GPUCommandEncoder?.prototype;
  if (!pass || !enc) throw new Error('Dawn globals missing');
  const untaps = [
    tap(enc, 'beginComputePass', () => ({ kind: 'begin' }), log),
    tap(pass, 'end', () => ({ kind: 'end' }), log),
    tap(
      pass,
      'setPipeline',
      (a) => ({ kind: 'pipeline', pipeline: a[0] as GPUComputePipeline }),
      log,
    ),
    tap(pass, 'setBindGroup', (a) => ({ kind: 'bind', group: a[1] as GPUBindGroup }), log),
    tap(
      pass,
      'dispatchWorkgroups',
      (a) => ({
        kind: 'dispatch',
        size: [Number(a[0]), Number(a[1] ?? 1), Number(a[2] ?? 1)],
      }),
      log,
    ),
    tap(
      enc,
      'copyBufferToBuffer',
      (a) => {
        const [src, , dst] = a as [GPUBuffer, number, GPUBuffer];
        // Uploads (from mappable staging buffers) and read-backs are per-step data, not the step.
        const mappable = GPUBufferUsage.MAP_READ | GPUBufferUsage.MAP_WRITE;
        if ((src.usage & mappable) !== 0 || (dst.usage & mappable) !== 0) return null;
        return { kind: 'copy', args: a as [GPUBuffer, number, GPUBuffer, number, number] };
      },
      log,
    ),
  ];
  await trainer.step(x0, labels);
  for (const u of untaps) u();
  tf.env().set(SUBMIT_FLAG, submitEvery);

  const device = (tf.backend() as unknown as { device: GPUDevice }).device;
  const replay = (): void => {
    const encoder = device.createCommandEncoder();
    let p: GPUComputePassEncoder | null = null;
    for (const c of log) {
      switch (c.kind) {
        case 'begin':
          p = encoder.beginComputePass();
          break;
        case 'end':
          p?.end();
          p = null;
          break;
        case 'pipeline':
          p?.setPipeline(c.pipeline);
          break;
        case 'bind':
          p?.setBindGroup(0, c.group);
          break;
        case 'dispatch':
          p?.dispatchWorkgroups(...c.size);
          break;
        case 'copy':
          encoder.copyBufferToBuffer(...c.args);
          break;
      }
    }
    p?.end();
    device.queue.submit([encoder.finish()]);
  };
  const replayed: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    replay();
    if (i > 0) replayed.push(performance.now() - t0);
    await device.queue.onSubmittedWorkDone();
  }
  const dispatches = log.filter((c) => c.kind === 'dispatch').length;
  const copies = log.filter((c) => c.kind === 'copy').length;
  const e = median(enqueue);
  const r = median(replayed);
  console.log(`adapter: ${adapterInfo ?? '?'}; tiny preset, batch ${batch}`);
  console.log(
    `step as tfjs runs it: ${e.toFixed(1)} ms of JavaScript to enqueue (median of 5, submits deferred)`,
  );
  console.log(
    `the same ${dispatches} dispatches and ${copies} copies re-encoded from a recording: ` +
      `${r.toFixed(2)} ms (median of 5) — ${(e / r).toFixed(0)}× less`,
  );
  trainer.dispose();
  x0.dispose();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
