import { useEffect, useMemo, useRef, type PointerEvent } from 'react';
import { requestDensity, setPoints } from '../../client/lab2d-client';
import { diffusionLevel } from '../../ml/lab2d/mixture';
import { MAX_POINTS } from '../../ml/lab2d/points';
import { gaussian, mulberry32 } from '../../ml/random';
import { makeSchedule } from '../../ml/schedule';
import { useLab2dStore } from '../../state/lab2d-store';
import { drawAt, eraseAt } from './brush';
import { VIEW, clear, drawPoints, heatmapImage, toWorld } from './plot';

export const PLOT_SIZE = 480;
/** Heatmap resolution: the exact density on this many pixels per side, upscaled smoothly. */
const GRID = 120;

/**
 * The data at the slider's t: every point moved to x_t = √ᾱ·x₀ + √(1−ᾱ)·ε with its own fixed ε,
 * over the exact density of x_t as a heatmap. With the brush on, it shows and edits x₀.
 */
export function ForwardPlot() {
  const ref = useRef<HTMLCanvasElement>(null);
  const heat = useRef<HTMLCanvasElement | null>(null);
  const points = useLab2dStore((s) => s.points);
  const kind = useLab2dStore((s) => s.schedule);
  const T = useLab2dStore((s) => s.T);
  const t = useLab2dStore((s) => s.t);
  const showDensity = useLab2dStore((s) => s.showDensity);
  const brush = useLab2dStore((s) => s.brush);
  const brushLabel = useLab2dStore((s) => s.brushLabel);
  const schedule = useMemo(() => makeSchedule(kind, T), [kind, T]);
  const level = diffusionLevel(schedule, Math.min(t, T - 1));
  const eps = useMemo(() => gaussian(42, points.xy.length), [points.xy.length]);
  const rng = useMemo(() => mulberry32(7), []);

  const draw = () => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    clear(ctx, PLOT_SIZE, true);
    if (showDensity && heat.current) {
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(heat.current, 0, 0, PLOT_SIZE, PLOT_SIZE);
    }
    const xt = points.xy.map((x0, k) => level.a * x0 + level.s * (eps[k] ?? 0));
    drawPoints(ctx, PLOT_SIZE, xt, points.labels, 1.5, showDensity ? 0.7 : 0.9);
  };

  useEffect(() => {
    draw();
    if (!showDensity || points.labels.length < 2) {
      heat.current = null;
      return;
    }
    let live = true;
    void requestDensity(level, VIEW, GRID, GRID).then((grid) => {
      if (!grid || !live) return;
      const c = document.createElement('canvas');
      c.width = GRID;
      c.height = GRID;
      c.getContext('2d')?.putImageData(heatmapImage(grid, GRID, GRID), 0, 0);
      heat.current = c;
      draw();
      if (ref.current) ref.current.dataset['density'] = String(t);
    });
    return () => {
      live = false;
    };
    // draw reads the same values listed here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [points, level.a, level.s, showDensity]);

  const paint = (e: PointerEvent<HTMLCanvasElement>) => {
    if (brush === 'off' || e.buttons === 0) return;
    const rect = e.currentTarget.getBoundingClientRect();
    const [x, y] = toWorld(
      PLOT_SIZE,
      ((e.clientX - rect.left) / rect.width) * PLOT_SIZE,
      ((e.clientY - rect.top) / rect.height) * PLOT_SIZE,
    );
    const s = useLab2dStore.getState();
    const next =
      brush === 'draw' ? drawAt(s.points, x, y, brushLabel, rng) : eraseAt(s.points, x, y);
    if (next !== s.points) setPoints(next, 'drawn', `${next.labels.length} points, drawn.`);
    else if (brush === 'draw' && s.points.labels.length >= MAX_POINTS) {
      useLab2dStore.setState({ dataNote: `${MAX_POINTS} points: the most a data set may hold.` });
    }
  };

  const caption =
    `${points.labels.length} points at t = ${t}: x_t = ${level.a.toFixed(2)}·x₀ + ${level.s.toFixed(2)}·ε` +
    (showDensity ? ', over the exact density of x_t' : '');
  return (
    <figure className="lab2d-figure">
      <canvas
        ref={ref}
        width={PLOT_SIZE}
        height={PLOT_SIZE}
        className={brush === 'off' ? 'lab2d-plot' : 'lab2d-plot brushing'}
        role="img"
        aria-label={caption}
        data-testid="lab2d-plot"
        data-points={points.labels.length}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          paint(e);
        }}
        onPointerMove={paint}
      />
      <figcaption className="muted">{caption}</figcaption>
    </figure>
  );
}
