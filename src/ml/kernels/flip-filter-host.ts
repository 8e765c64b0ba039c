/**
 * A conv filter [kh, kw, cin, cout] flipped in space with its channels swapped, [kh, kw, cout, cin]:
 * the filter of the plain conv that gives a stride-1 conv's input gradient (conv2d.ts). One loop
 * over a few thousand values instead of a Reverse and a Transpose kernel, which on wasm cost
 * ~0.3 ms each per conv (tf.profile, tiny UNet step).
 */
export function flipFilterHost(
  w: Float32Array,
  shape: readonly [number, number, number, number],
  out: Float32Array,
): void {
  const [kh, kw, cin, cout] = shape;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const src = ((kh - 1 - i) * kw + (kw - 1 - j)) * cin * cout;
      const dst = (i * kw + j) * cout * cin;
      for (let c = 0; c < cin; c++) {
        for (let o = 0; o < cout; o++) out[dst + o * cin + c] = w[src + c * cout + o] ?? NaN;
      }
    }
  }
}
