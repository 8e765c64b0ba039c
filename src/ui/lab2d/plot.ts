/**
 * Drawing the 2-D lab's plots on a canvas, and the same pictures as files (SVG of trails, CSV of
 * samples). Plot units map to the canvas through one square view.
 */
import type { Bounds } from '../../ml/lab2d/mixture';

/** What every plot shows: the data fit in ±2, and N(0, I) noise stays within ±4 but for 1 in 10⁴. */
export const VIEW: Bounds = { xMin: -4, xMax: 4, yMin: -4, yMax: 4 };

/** One colour per class (Tableau 10, readable on the dark heatmap and on white). */
export const CLASS_COLORS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
] as const;

export function classColor(c: number): string {
  return CLASS_COLORS[c % CLASS_COLORS.length] ?? '#000';
}

export function toPixel(size: number, x: number, y: number): [number, number] {
  const { xMin, xMax, yMin, yMax } = VIEW;
  return [((x - xMin) / (xMax - xMin)) * size, ((yMax - y) / (yMax - yMin)) * size];
}

export function toWorld(size: number, px: number, py: number): [number, number] {
  const { xMin, xMax, yMin, yMax } = VIEW;
  return [xMin + (px / size) * (xMax - xMin), yMax - (py / size) * (yMax - yMin)];
}

/**
 * The density grid as an image: the square root of p / max (so the tails stay visible) through
 * a dark-blue → teal → yellow ramp.
 */
export function heatmapImage(grid: Float32Array, w: number, h: number): ImageData {
  let max = 0;
  for (const v of grid) if (v > max) max = v;
  const img = new ImageData(w, h);
  for (let i = 0; i < w * h; i++) {
    const u = max > 0 ? Math.sqrt((grid[i] ?? 0) / max) : 0;
    img.data[4 * i] = Math.round(20 + 235 * u * u);
    img.data[4 * i + 1] = Math.round(24 + 200 * u);
    img.data[4 * i + 2] = Math.round(60 + 100 * u - 120 * u * u + 60);
    img.data[4 * i + 3] = 255;
  }
  return img;
}

export function clear(ctx: CanvasRenderingContext2D, size: number, dark: boolean): void {
  ctx.fillStyle = dark ? '#14183c' : '#ffffff';
  ctx.fillRect(0, 0, size, size);
}

export function drawPoints(
  ctx: CanvasRenderingContext2D,
  size: number,
  xy: Float32Array,
  labels: Uint8Array | null,
  radius: number,
  alpha = 0.8,
): void {
  ctx.globalAlpha = alpha;
  const n = xy.length / 2;
  for (let i = 0; i < n; i++) {
    const [px, py] = toPixel(size, xy[2 * i] ?? 0, xy[2 * i + 1] ?? 0);
    ctx.fillStyle = labels ? classColor(labels[i] ?? 0) : '#e15759';
    ctx.fillRect(px - radius, py - radius, 2 * radius, 2 * radius);
  }
  ctx.globalAlpha = 1;
}

/**
 * Arrows from `at` along `vec`, all scaled by one factor so that the 90th-percentile arrow is one
 * grid cell long (longer ones are capped there): near t = 0 the score is huge, far out it is tiny.
 */
export function drawArrows(
  ctx: CanvasRenderingContext2D,
  size: number,
  at: Float32Array,
  vec: Float32Array,
  cell: number,
  color: string,
): void {
  const n = at.length / 2;
  const lengths = Array.from({ length: n }, (_, i) =>
    Math.hypot(vec[2 * i] ?? 0, vec[2 * i + 1] ?? 0),
  ).sort((a, b) => a - b);
  const ref = lengths[Math.floor(0.9 * (n - 1))] ?? 1;
  const k = ref > 0 ? cell / ref : 0;
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = 1.2;
  for (let i = 0; i < n; i++) {
    let dx = (vec[2 * i] ?? 0) * k;
    let dy = (vec[2 * i + 1] ?? 0) * k;
    const len = Math.hypot(dx, dy);
    if (len > cell) [dx, dy] = [(dx / len) * cell, (dy / len) * cell];
    const [x0, y0] = toPixel(size, at[2 * i] ?? 0, at[2 * i + 1] ?? 0);
    const scale = size / (VIEW.xMax - VIEW.xMin);
    const [x1, y1] = [x0 + dx * scale, y0 - dy * scale];
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.stroke();
    const a = Math.atan2(y1 - y0, x1 - x0);
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x1 - 4 * Math.cos(a - 0.5), y1 - 4 * Math.sin(a - 0.5));
    ctx.lineTo(x1 - 4 * Math.cos(a + 0.5), y1 - 4 * Math.sin(a + 0.5));
    ctx.fill();
  }
}

/** A g × g grid of arrow tails over the view. */
export function arrowTails(g: number): Float32Array {
  const out = new Float32Array(2 * g * g);
  const span = VIEW.xMax - VIEW.xMin;
  for (let r = 0; r < g; r++) {
    for (let c = 0; c < g; c++) {
      out[2 * (r * g + c)] = VIEW.xMin + ((c + 0.5) * span) / g;
      out[2 * (r * g + c) + 1] = VIEW.yMin + ((r + 0.5) * span) / g;
    }
  }
  return out;
}

/** Particle i's position in frame f of a recording of `n` particles. */
function at(frames: Float32Array, n: number, f: number, i: number): [number, number] {
  const o = f * 2 * n + 2 * i;
  return [frames[o] ?? 0, frames[o + 1] ?? 0];
}

/** Trails of the first `shown` particles up to frame `upTo`, then every particle as a dot. */
export function drawTrails(
  ctx: CanvasRenderingContext2D,
  size: number,
  frames: Float32Array,
  n: number,
  upTo: number,
  shown: number,
): void {
  ctx.strokeStyle = 'rgba(78, 121, 167, 0.45)';
  ctx.lineWidth = 1;
  for (let i = 0; i < Math.min(n, shown); i++) {
    ctx.beginPath();
    for (let f = 0; f <= upTo; f++) {
      const [px, py] = toPixel(size, ...at(frames, n, f, i));
      if (f === 0) ctx.moveTo(px, py);
      else ctx.lineTo(px, py);
    }
    ctx.stroke();
  }
  drawPoints(ctx, size, frames.subarray(upTo * 2 * n, (upTo + 1) * 2 * n), null, 1.5, 0.9);
}

/** The trails of several recordings as one SVG, panels side by side, in plot units. */
export function trailsSvg(
  panels: readonly { title: string; frames: Float32Array }[],
  n: number,
  shown: number,
): string {
  const size = 400;
  const parts = panels.map((p, k) => {
    const frameCount = p.frames.length / (2 * n);
    const paths = Array.from({ length: Math.min(n, shown) }, (_, i) => {
      const d = Array.from({ length: frameCount }, (_, f) => {
        const [px, py] = toPixel(size, ...at(p.frames, n, f, i));
        return `${f === 0 ? 'M' : 'L'}${px.toFixed(1)} ${py.toFixed(1)}`;
      }).join('');
      return `<path d="${d}"/>`;
    }).join('');
    const ends = Array.from({ length: n }, (_, i) => {
      const [px, py] = toPixel(size, ...at(p.frames, n, frameCount - 1, i));
      return `<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="1.5"/>`;
    }).join('');
    return `<g transform="translate(${k * (size + 20)} 24)"><text x="4" y="-8" font-family="sans-serif" font-size="14">${p.title}</text><rect width="${size}" height="${size}" fill="#fff" stroke="#999"/><g fill="none" stroke="#4e79a7" stroke-opacity="0.45">${paths}</g><g fill="#e15759">${ends}</g></g>`;
  });
  const width = panels.length * (size + 20);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${size + 30}" viewBox="0 0 ${width} ${size + 30}">${parts.join('')}</svg>`;
}

/** The last frame of each recording as CSV rows: method,x,y. */
export function samplesCsv(
  panels: readonly { method: string; frames: Float32Array }[],
  n: number,
): string {
  const rows = ['method,x,y'];
  for (const p of panels) {
    const last = p.frames.subarray(p.frames.length - 2 * n);
    for (let i = 0; i < n; i++)
      rows.push(`${p.method},${last[2 * i] ?? 0},${last[2 * i + 1] ?? 0}`);
  }
  return `${rows.join('\n')}\n`;
}
