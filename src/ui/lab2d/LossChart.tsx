import { useEffect, useRef } from 'react';

const W = 320;
const H = 100;

/**
 * The training loss on a log scale, smoothed over 25 steps: one batch's loss is noisy, and the
 * trend is what says whether training works.
 */
export function LossChart({ losses }: { losses: readonly number[] }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    // The card's colour from the theme (app.css), so the chart is no white box in dark mode.
    ctx.fillStyle = getComputedStyle(canvas).getPropertyValue('--card').trim() || '#fff';
    ctx.fillRect(0, 0, W, H);
    const smooth: number[] = [];
    let acc = 0;
    losses.forEach((l, i) => {
      acc += Math.log(Math.max(l, 1e-6));
      if (i >= 25) acc -= Math.log(Math.max(losses[i - 25] ?? 1, 1e-6));
      smooth.push(acc / Math.min(i + 1, 25));
    });
    if (smooth.length < 2) return;
    const lo = Math.min(...smooth);
    const hi = Math.max(...smooth);
    ctx.strokeStyle = '#4e79a7';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    smooth.forEach((v, i) => {
      const x = (i / (smooth.length - 1)) * (W - 4) + 2;
      const y = H - 4 - ((v - lo) / Math.max(hi - lo, 1e-9)) * (H - 8);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
  }, [losses]);
  const last = losses.length > 0 ? (losses[losses.length - 1] ?? NaN) : NaN;
  const label =
    losses.length > 0
      ? `Training loss over ${losses.length} steps (log scale), latest ${last.toFixed(3)}`
      : 'Training loss: no steps yet';
  return (
    <canvas ref={ref} width={W} height={H} className="lab2d-loss" role="img" aria-label={label} />
  );
}
