/**
 * Round tick values (multiples of 1, 2 or 5 × 10ⁿ) inside [min, max], about `count` of them.
 * Recharts only rounds ticks of an 'auto' domain; the step axes pin theirs to the data, which
 * gave ticks like 137, 2637, 5137. `integer`: no step below 1 (for step counts).
 */
export function roundTicks(min: number, max: number, count = 5, integer = false): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) return [];
  if (max === min) return [min];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  // The multiple nearest to the raw step (on a log scale), as d3's ticks choose it.
  const ratio = raw / power;
  const round =
    (ratio >= Math.sqrt(50) ? 10 : ratio >= Math.sqrt(10) ? 5 : ratio >= Math.sqrt(2) ? 2 : 1) *
    power;
  // Training steps are whole: no tick at step 1.5.
  const step = integer ? Math.max(1, round) : round;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
    // Sums of a decimal step drift (0.30000000000000004); round to the step's own precision.
    ticks.push(Number(v.toPrecision(12)));
  }
  return ticks;
}
