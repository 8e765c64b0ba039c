// The app's icons (public/icons/*.png, committed): an MNIST 2 whose left half is still noise —
// the forward process read backwards. Run once after changing the design: node scripts/make-icons.mjs
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import UPNG from 'upng-js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const digits = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits', '2.json');
const digit = JSON.parse(readFileSync(digits, 'utf8')).data.slice(0, 784);

/** A fixed pseudo-random stream (mulberry32), so the icons are the same on every run. */
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BG = [17, 24, 39];
const INK = [245, 247, 250];

/** size × size RGBA; the 28×28 digit fills `fill` of it (maskable icons keep a safe margin). */
function icon(size, fill) {
  const rand = rng(7);
  const noise = Float32Array.from({ length: 784 }, () => {
    const u = Math.max(rand(), 1e-9);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  });
  const cell = (size * fill) / 28;
  const offset = (size - cell * 28) / 2;
  const rgba = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const c = Math.floor((x - offset) / cell);
      const r = Math.floor((y - offset) / cell);
      let v = 0;
      if (c >= 0 && c < 28 && r >= 0 && r < 28) {
        // Signal fades in from left (t near T) to right (t = 0).
        const a = Math.min(1, Math.max(0, (c - 2) / 20)) ** 0.8;
        const x0 = digit[r * 28 + c] * 2 - 1;
        const xt = Math.sqrt(a) * x0 + Math.sqrt(1 - a) * 0.7 * noise[r * 28 + c];
        v = Math.min(1, Math.max(0, (xt + 1) / 2));
      }
      const i = (y * size + x) * 4;
      for (let k = 0; k < 3; k++) rgba[i + k] = Math.round(BG[k] + (INK[k] - BG[k]) * v);
      rgba[i + 3] = 255;
    }
  return Buffer.from(UPNG.encode([rgba.buffer], size, size, 0));
}

const out = join(root, 'public', 'icons');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'icon-192.png'), icon(192, 0.86));
writeFileSync(join(out, 'icon-512.png'), icon(512, 0.86));
writeFileSync(join(out, 'icon-maskable-512.png'), icon(512, 0.62));
console.log(`icons: wrote ${out}`);
