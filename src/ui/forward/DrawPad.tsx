import { useCallback, useEffect, useRef } from 'react';
import { useAppStore } from '../../state/store';
import { IMAGE_PIXELS, IMAGE_SIZE } from '../../shared/protocol';
import { drawGray } from '../components/draw-gray';

const SCALE = 8;
/** A soft round brush about 2.5 px wide, like MNIST's anti-aliased pen strokes. */
const BRUSH_RADIUS = 1.4;

function stamp(pixels: Uint8Array, cx: number, cy: number): void {
  for (let y = Math.floor(cy - 2); y <= Math.ceil(cy + 2); y++) {
    for (let x = Math.floor(cx - 2); x <= Math.ceil(cx + 2); x++) {
      if (x < 0 || y < 0 || x >= IMAGE_SIZE || y >= IMAGE_SIZE) continue;
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
      const ink = Math.max(0, Math.min(1, BRUSH_RADIUS + 0.5 - d)) * 255;
      const i = y * IMAGE_SIZE + x;
      pixels[i] = Math.max(pixels[i] ?? 0, Math.round(ink));
    }
  }
}

/** A 28×28 pad: what the learner draws becomes x0 as they draw it. */
export function DrawPad() {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const pixels = useRef(new Uint8Array(IMAGE_PIXELS));
  const last = useRef<{ x: number; y: number } | null>(null);
  const pending = useRef(false);
  const setX0 = useAppStore((s) => s.setX0);

  const redraw = useCallback(() => {
    const canvas = canvasRef.current;
    if (canvas) drawGray(canvas, { width: IMAGE_SIZE, height: IMAGE_SIZE, pixels: pixels.current });
  }, []);

  const commit = useCallback(() => {
    if (pending.current) return;
    pending.current = true;
    requestAnimationFrame(() => {
      pending.current = false;
      redraw();
      setX0(pixels.current.slice(), { kind: 'drawn' });
    });
  }, [redraw, setX0]);

  useEffect(redraw, [redraw]);

  const toPad = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return {
      x: ((e.clientX - rect.left) / rect.width) * IMAGE_SIZE,
      y: ((e.clientY - rect.top) / rect.height) * IMAGE_SIZE,
    };
  };

  const paintTo = (p: { x: number; y: number }) => {
    const from = last.current ?? p;
    const steps = Math.max(1, Math.ceil(Math.hypot(p.x - from.x, p.y - from.y) * 3));
    for (let k = 1; k <= steps; k++) {
      stamp(
        pixels.current,
        from.x + ((p.x - from.x) * k) / steps,
        from.y + ((p.y - from.y) * k) / steps,
      );
    }
    last.current = p;
    commit();
  };

  return (
    <div className="draw-pad">
      <canvas
        ref={canvasRef}
        className="frame pad"
        width={IMAGE_SIZE}
        height={IMAGE_SIZE}
        style={{ width: IMAGE_SIZE * SCALE, height: IMAGE_SIZE * SCALE }}
        data-testid="draw-pad"
        aria-label="Drawing pad: draw a digit with the mouse, a pen or a finger"
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          last.current = null;
          paintTo(toPad(e));
        }}
        onPointerMove={(e) => {
          if (e.buttons !== 0) paintTo(toPad(e));
        }}
        onPointerUp={() => (last.current = null)}
      />
      <button
        type="button"
        onClick={() => {
          pixels.current.fill(0);
          commit();
        }}
      >
        Clear pad
      </button>
    </div>
  );
}
