/** Numbers as the formula panel shows them: 4 significant digits, scientific when tiny or huge. */
export function fmt(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs < 1e-3 || abs >= 1e5) return value.toExponential(digits - 1);
  return Number(value.toPrecision(digits)).toString();
}
