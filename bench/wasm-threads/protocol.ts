/** Messages between the bench page, its worker and the driver (run.ts). */

export interface BenchRequest {
  readonly batch: number;
  readonly warmup: number;
  readonly steps: number;
}

export interface KernelTime {
  readonly name: string;
  readonly count: number;
  readonly ms: number;
}

export interface BenchResult {
  readonly crossOriginIsolated: boolean;
  readonly threads: number;
  readonly note: string | null;
  /** Wall time of each timed training step, ms. */
  readonly stepMs: readonly number[];
  /** One more step under tf.profile: its wall time and the kernels' own times. */
  readonly profiledMs: number;
  readonly kernels: readonly KernelTime[];
}

export type BenchOutcome =
  | { readonly ok: true; readonly result: BenchResult }
  | { readonly ok: false; readonly error: string };
