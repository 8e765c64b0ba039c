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
): { alphaBar: CurvePoint[]; logSnr: CurvePoint[] } {
  const schedules = kinds.map((kind) => makeSchedule(kind, T));
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
      l[s.kind] = Math.log(ab / (1 - ab));
    }
    alphaBar.push(a);
    logSnr.push(l);
  }
  return { alphaBar, logSnr };
}
