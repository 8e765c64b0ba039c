/**
 * Wall-clock timing for benches: warm up, then time calls until both a minimum count and a time
 * budget are reached (or a maximum count), and report the median. Each call is synced by the
 * caller (e.g. by awaiting `data()` of its result), so a timing covers dispatch and device work.
 */

export interface MeasureOptions {
  /** Untimed calls first (shader compilation, buffer pools, JIT). */
  readonly warmup: number;
  /** Timed calls, at least (unless one call is over budget, see below). */
  readonly minRuns: number;
  /** Timed calls, at most. */
  readonly maxRuns: number;
  /** Stop adding timed calls once this much was spent in them (and minRuns are done). */
  readonly budgetMs: number;
}

export interface MeasureLimits {
  /** A first call slower than this is the figure on its own (marked cold): no more calls. */
  readonly coldLimitMs: number;
}

export interface Timing {
  readonly medianMs: number;
  readonly minMs: number;
  readonly runs: number;
  /** The first (warm-up or only) call, which includes compilation on webgpu. */
  readonly firstMs: number;
  /** The figure is the first call alone (over coldLimitMs): compilation included. */
  readonly cold: boolean;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  const mid = Math.floor(n / 2);
  return n % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

/**
 * Times `call` (which resolves once its work is done): at least one untimed warm-up call, then
 * timed calls until minRuns are done and budgetMs is spent (one timed call when a call alone is
 * over budget). A first call over `coldLimitMs` is the only call: a slow path gets one number
 * rather than minutes of repeats.
 */
export async function measure(
  call: () => Promise<void>,
  opts: MeasureOptions,
  limits: MeasureLimits,
): Promise<Timing> {
  const time = async (): Promise<number> => {
    const t0 = performance.now();
    await call();
    return performance.now() - t0;
  };
  const firstMs = await time();
  if (firstMs > limits.coldLimitMs) {
    return { medianMs: firstMs, minMs: firstMs, runs: 1, firstMs, cold: true };
  }
  for (let i = 1; i < opts.warmup; i++) await time();
  const times: number[] = [];
  let spent = 0;
  while (times.length < opts.maxRuns && (times.length < opts.minRuns || spent < opts.budgetMs)) {
    const ms = await time();
    times.push(ms);
    spent += ms;
    if (ms > opts.budgetMs) break;
  }
  return {
    medianMs: median(times),
    minMs: Math.min(...times),
    runs: times.length,
    firstMs,
    cold: false,
  };
}

export function fmtMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** Right-aligned plain-text table; the first column is left-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
