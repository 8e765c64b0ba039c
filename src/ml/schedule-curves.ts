/** Chart data for schedules: ᾱ_t and log-SNR, down-sampled to at most `maxPoints` timesteps. */
import { makeSchedule, type ScheduleKind } from './schedule';

export interface CurvePoint {
  t: number;
  [series: string]: number;
}

export function scheduleCurves(
  kinds: readonly ScheduleKind[],
  T: number,
  maxPoints = 200,
  /** The first kind (the schedule in use) is rescaled to zero terminal SNR. */
  zeroTerminalSnrFirst = false,
): { alphaBar: CurvePoint[]; logSnr: CurvePoint[] } {
  const schedules = kinds.map((kind, i) => makeSchedule(kind, T, i === 0 && zeroTerminalSnrFirst));
  const stride = Math.max(1, Math.ceil(T / maxPoints));
  const ts: number[] = [];
  for (let t = 0; t < T; t += stride) ts.push(t);
  if (ts[ts.length - 1] !== T - 1) ts.push(T - 1);
  const alphaBar: CurvePoint[] = [];
  const logSnr: CurvePoint[] = [];
  for (const t of ts) {
    const a: CurvePoint = { t };
    const l: CurvePoint = { t };
    for (const s of schedules) {
      const ab = s.alphasCumprod[t] ?? 0;
      a[s.kind] = ab;
      // log SNR is −∞ where ᾱ = 0 (zero terminal SNR): no point there, the line just ends.
      const ls = Math.log(ab / (1 - ab));
      if (Number.isFinite(ls)) l[s.kind] = ls;
    }
    alphaBar.push(a);
    logSnr.push(l);
  }
  return { alphaBar, logSnr };
}
