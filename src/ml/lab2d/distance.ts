/**
 * Energy distance between two point clouds: 2·E|X−Y| − E|X−X'| − E|Y−Y'|, zero only when the
 * distributions match. All means run over every pair, i = j included (the V-statistic): it is
 * never negative, and two finite samples of one distribution score a small positive floor
 * (about (E|X−X'|)·(1/n + 1/m)) that a model's samples are compared against at the same sizes.
 */
function meanDistance(a: Float32Array, b: Float32Array): number {
  const na = a.length / 2;
  const nb = b.length / 2;
  let sum = 0;
  for (let i = 0; i < na; i++) {
    const x = a[2 * i] ?? 0;
    const y = a[2 * i + 1] ?? 0;
    for (let j = 0; j < nb; j++) sum += Math.hypot(x - (b[2 * j] ?? 0), y - (b[2 * j + 1] ?? 0));
  }
  return sum / (na * nb);
}

export function energyDistance(a: Float32Array, b: Float32Array): number {
  return 2 * meanDistance(a, b) - meanDistance(a, a) - meanDistance(b, b);
}
