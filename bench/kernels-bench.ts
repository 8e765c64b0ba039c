/**
 * Our fused kernels (src/ml/kernels) against the tfjs-ops formulation of the same math, in one
 * process: a training step of the tiny preset, steps alternating between the paths so load
 * changes hit all alike. Prints median ms/step, the ratio and kernels per step; on webgpu also
 * programs per step, the JavaScript it takes to enqueue them, and a third path: the step
 * recorded once and replayed (what the app runs there; src/ml/replay).
 */
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { setCustomKernels } from '../src/ml/kernels/register';
import type { ProgramTime, ReplayCounts } from '../src/ml/replay';
import { tap } from '../src/ml/replay/patch';
import { programRunner } from '../src/ml/replay/tfjs-internals';
import { trainerOptions } from '../src/ml/train/from-settings';
import { type Trainer, createTrainer } from '../src/ml/train/step';
import type { NodeBackendName, Tf } from '../src/node/backends';
import { DEFAULT_TRAIN_SETTINGS } from '../src/shared/train-protocol';
import { fmtMs, median, table } from './timing';

export interface KernelsRecord {
  readonly backend: NodeBackendName;
  readonly batch: number;
  readonly opsMs: number;
  readonly fusedMs: number;
  /** Kernels per step that run a program on a GPU backend (no Reshape, Identity, Cast). */
  readonly opsKernels: number;
  readonly fusedKernels: number;
  /** webgpu: compute programs dispatched per step (a kernel may run several, or none). */
  readonly opsPrograms?: number;
  readonly fusedPrograms?: number;
  /**
   * webgpu: JavaScript time to enqueue a step's forward and backward (the step up to its one
   * read-back), median, with submits deferred to that read so the device's own work (here
   * SwiftShader, on the same cores) does not run during the timing. What a real GPU cannot hide.
   */
  readonly opsEnqueueMs?: number;
  readonly fusedEnqueueMs?: number;
  /** Programs dispatched before that read-back, for a per-program enqueue cost. */
  readonly fusedEnqueuedPrograms?: number;
  /** webgpu: our kernels, the step recorded once and replayed. */
  readonly replayMs?: number;
  /** JavaScript time of a replayed step, both segments (inputs written, encoded, submitted). */
  readonly replayEncodeMs?: number;
  /** The GPU's own time for a replayed step (timestamp queries), median over the pairs. */
  readonly replayGpuMs?: number;
  /** GPU time per program over one replayed step (each dispatch timed in a pass of its own). */
  readonly replayProfile?: readonly ProgramTime[];
  /** What a replayed step sends: compute programs and buffer copies. */
  readonly replayCounts?: ReplayCounts;
  readonly pairs: number;
}

const FREE = new Set(['Reshape', 'Identity', 'Cast']);
const isScope = (name: string): boolean => name === 'unnamed scope' || name.endsWith('__op');
const SUBMIT_FLAG = 'WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE';

/** Counts the webgpu backend's program dispatches (null elsewhere). */
function programCounter(tf: Tf): { count: () => number; restore: () => void } | null {
  const runner = programRunner(tf.backend());
  if (!runner) return null;
  let n = 0;
  const restore = tap(runner, 'runWebGPUProgram', () => {
    n++;
  });
  return { count: () => n, restore };
}

export async function runKernelsBench(
  tf: Tf,
  backend: NodeBackendName,
  opts: { readonly batch: number; readonly pairs: number; readonly log: (s: string) => void },
): Promise<KernelsRecord> {
  const settings = { ...DEFAULT_TRAIN_SETTINGS, preset: 'tiny' as const, batchSize: opts.batch };
  // Kernels are switched per step, so this trainer must run every step through tfjs.
  const trainer = createTrainer({ ...trainerOptions(settings, backend), replay: false });
  const x0 = tf.randomUniform([opts.batch, 28, 28, 1], -1, 1) as Tensor4D;
  const labels = Int32Array.from({ length: opts.batch }, (_, i) => i % 10);
  const programs = programCounter(tf);
  const replaying: Trainer | null = programs
    ? createTrainer(trainerOptions(settings, backend))
    : null;
  const timed = async (t: Trainer): Promise<number> => {
    const t0 = performance.now();
    await t.step(x0, labels);
    return performance.now() - t0;
  };
  const step = async (fused: boolean): Promise<number> => {
    setCustomKernels(fused);
    return await timed(trainer);
  };
  /** Enqueue time and programs enqueued before the step's read-back. */
  const enqueue = async (fused: boolean): Promise<{ ms: number; programs: number }> => {
    setCustomKernels(fused);
    const submitEvery = tf.env().get(SUBMIT_FLAG);
    tf.env().set(SUBMIT_FLAG, Number.MAX_SAFE_INTEGER);
    try {
      const before = programs?.count() ?? 0;
      const t0 = performance.now();
      const pending = trainer.step(x0, labels);
      const ms = performance.now() - t0;
      const enqueued = (programs?.count() ?? 0) - before;
      await pending;
      return { ms, programs: enqueued };
    } finally {
      tf.env().set(SUBMIT_FLAG, submitEvery);
    }
  };
  const count = async (fused: boolean): Promise<{ kernels: number; programs: number }> => {
    setCustomKernels(fused);
    const before = programs?.count() ?? 0;
    const prof = await tf.profile(async () => {
      await trainer.step(x0, labels);
      return [];
    });
    return {
      kernels: prof.kernels.filter((k) => !isScope(k.name) && !FREE.has(k.name)).length,
      programs: (programs?.count() ?? 0) - before,
    };
  };
  try {
    for (const fused of [false, true, false, true]) await step(fused);
    if (replaying) for (let i = 0; i < 2; i++) await timed(replaying);
    const ops: number[] = [];
    const fused: number[] = [];
    const replayed: number[] = [];
    const replayEnc: number[] = [];
    const replayGpu: number[] = [];
    const opsEnq: number[] = [];
    const fusedEnq: { ms: number; programs: number }[] = [];
    for (let i = 0; i < opts.pairs; i++) {
      ops.push(await step(false));
      fused.push(await step(true));
      if (programs) {
        opsEnq.push((await enqueue(false)).ms);
        fusedEnq.push(await enqueue(true));
      }
      if (replaying) {
        replayed.push(await timed(replaying));
        const { encodeMs, lastFailure } = replaying.replay;
        if (encodeMs === null) throw new Error(`the step was not replayed: ${lastFailure ?? '?'}`);
        replayEnc.push(encodeMs);
        // This step's GPU time, read in the background (waited for after the timing).
        const gpuMs = await replaying.settledGpuMs();
        if (gpuMs !== null) replayGpu.push(gpuMs);
      }
      opts.log(`kernels ${backend} b${opts.batch}: pair ${i + 1}/${opts.pairs}`);
    }
    const opsCount = await count(false);
    const fusedCount = await count(true);
    // One more replayed step, each program timed on the GPU (where the device can).
    const profiling = replaying?.profileNextStep();
    if (replaying && profiling) await timed(replaying);
    const replayProfile = profiling ? await profiling : undefined;
    return {
      backend,
      batch: opts.batch,
      opsMs: median(ops),
      fusedMs: median(fused),
      opsKernels: opsCount.kernels,
      fusedKernels: fusedCount.kernels,
      ...(programs
        ? {
            opsPrograms: opsCount.programs,
            fusedPrograms: fusedCount.programs,
            opsEnqueueMs: median(opsEnq),
            fusedEnqueueMs: median(fusedEnq.map((e) => e.ms)),
            fusedEnqueuedPrograms: fusedEnq[0]?.programs ?? 0,
          }
        : {}),
      ...(replaying
        ? {
            replayMs: median(replayed),
            replayEncodeMs: median(replayEnc),
            ...(replayGpu.length > 0 ? { replayGpuMs: median(replayGpu) } : {}),
            ...(replayProfile ? { replayProfile } : {}),
            ...(replaying.replay.counts ? { replayCounts: replaying.replay.counts } : {}),
          }
        : {}),
      pairs: opts.pairs,
    };
  } finally {
    programs?.restore();
    setCustomKernels(true);
    trainer.dispose();
    replaying?.dispose();
    x0.dispose();
  }
}

export function formatKernelsTable(r: KernelsRecord): string {
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;
  const gpu =
    r.opsPrograms !== undefined &&
    r.fusedPrograms !== undefined &&
    r.opsEnqueueMs !== undefined &&
    r.fusedEnqueueMs !== undefined;
  const header = [
    'path',
    'ms/step',
    'kernels/step',
    ...(gpu ? ['programs/step', 'enqueue ms'] : []),
  ];
  const row = (name: string, ms: number, kernels: number, programs?: number, enq?: number) => [
    name,
    fmtMs(ms),
    String(kernels),
    ...(gpu ? [String(programs), fmtMs(enq ?? NaN)] : []),
  ];
  const lines = [
    `our kernels vs tfjs ops, tiny train step, batch ${r.batch}, ${r.pairs} alternating pairs, median`,
    table(header, [
      row('tfjs ops', r.opsMs, r.opsKernels, r.opsPrograms, r.opsEnqueueMs),
      row('our kernels', r.fusedMs, r.fusedKernels, r.fusedPrograms, r.fusedEnqueueMs),
      ...(r.replayMs !== undefined
        ? [
            [
              'ours, recorded + replayed',
              fmtMs(r.replayMs),
              '(recorded)',
              ...(gpu
                ? [
                    r.replayCounts
                      ? `${r.replayCounts.programs} + ${r.replayCounts.copies} copies`
                      : '?',
                    fmtMs(r.replayEncodeMs ?? NaN),
                  ]
                : []),
            ],
          ]
        : []),
      [
        'ratio',
        ratio(r.opsMs, r.fusedMs),
        ratio(r.opsKernels, r.fusedKernels),
        ...(gpu
          ? [
              ratio(r.opsPrograms ?? NaN, r.fusedPrograms ?? NaN),
              ratio(r.opsEnqueueMs ?? NaN, r.fusedEnqueueMs ?? NaN),
            ]
          : []),
      ],
    ]),
  ];
  if (gpu && r.fusedEnqueuedPrograms) {
    const us = (1000 * (r.fusedEnqueueMs ?? NaN)) / r.fusedEnqueuedPrograms;
    lines.push(
      `  enqueue: JavaScript time of forward + backward up to the step's read-back, submits` +
        ` deferred; ${r.fusedEnqueuedPrograms} programs, ${us.toFixed(0)} µs each (engine, tape,` +
        ` backend and Dawn together)`,
    );
  }
  if (r.replayEncodeMs !== undefined && r.fusedEnqueueMs !== undefined) {
    lines.push(
      `  replayed: JavaScript of the whole step (both segments, update included) ` +
        `${fmtMs(r.replayEncodeMs)} against ${fmtMs(r.fusedEnqueueMs)} for forward + backward` +
        ` alone through tfjs: ${(r.fusedEnqueueMs / r.replayEncodeMs).toFixed(1)}× less`,
    );
  }
  if (r.replayGpuMs !== undefined && r.replayMs !== undefined) {
    const share = (100 * r.replayGpuMs) / r.replayMs;
    lines.push(
      `  replayed: the GPU's own time (timestamp queries) ${fmtMs(r.replayGpuMs)} of` +
        ` ${fmtMs(r.replayMs)} a step (${share.toFixed(0)}%): ` +
        (share >= 80 ? 'bound by the GPU' : 'the rest is JavaScript, read-back and waiting'),
    );
  }
  if (r.replayProfile) lines.push('', formatProfile(r.replayProfile, r.replayGpuMs));
  return lines.join('\n');
}

/**
 * The programs taking most of a replayed step's GPU time, and how much the rest take; `stepMs`
 * is the step's own GPU time, timed whole.
 */
export function formatProfile(profile: readonly ProgramTime[], stepMs?: number, top = 12): string {
  const total = profile.reduce((s, p) => s + p.ms, 0);
  const dispatches = profile.reduce((s, p) => s + p.dispatches, 0);
  const pct = (ms: number): string => `${((100 * ms) / total).toFixed(1)}%`;
  const rows = profile
    .slice(0, top)
    .map((p) => [p.program, String(p.dispatches), fmtMs(p.ms), pct(p.ms)]);
  const rest = profile.slice(top);
  if (rest.length > 0) {
    const ms = rest.reduce((s, p) => s + p.ms, 0);
    const n = rest.reduce((s, p) => s + p.dispatches, 0);
    rows.push([`(${rest.length} others)`, String(n), fmtMs(ms), pct(ms)]);
  }
  return [
    `GPU time by program, one replayed step (${dispatches} dispatches, each timed in a pass of its` +
      ` own: ${fmtMs(total)} in all` +
      (stepMs === undefined ? ')' : `; a step timed whole: ${fmtMs(stepMs)})`),
    table(['program', 'dispatches', 'GPU time', 'share'], rows),
  ].join('\n');
}
