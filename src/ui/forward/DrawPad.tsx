import { useCallback, useEffect, useRef } from 'react';
import { useAppStore } from '../../state/store';
import { IMAGE_PIXELS, IMAGE_SIZE } from '../../shared/protocol';
import { stamp, strokeTo } from '../../shared/brush';
import { drawGray } from '../components/draw-gray';
import { usePadKeyboard } from './use-pad-keyboard';

const SCALE = 8;

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
    if (last.current) strokeTo(pixels.current, last.current, p);
    else stamp(pixels.current, p.x, p.y);
    last.current = p;
    commit();
  };

  const keyboard = usePadKeyboard({
    pixels,
    paintTo,
    setLast: (p) => (last.current = p),
    commit,
  });

  return (
    <div className="draw-pad">
      <div className="pad-holder">
        <canvas
          ref={canvasRef}
          className="frame pad"
          width={IMAGE_SIZE}
          height={IMAGE_SIZE}
          style={{ width: IMAGE_SIZE * SCALE, height: IMAGE_SIZE * SCALE }}
          data-testid="draw-pad"
          aria-label="Drawing pad: draw a digit with the mouse, a pen, a finger or the keyboard"
          {...keyboard.canvasProps}
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
        {keyboard.cursor}
      </div>
      {keyboard.help}
      <button
        type="button"
        title="Put the digit shown as x₀ on the pad, to change it with the pen or the keys"
        onClick={keyboard.copyX0}
      >
        Copy x₀ into the pad
      </button>
      <button
        type="button"
        title="Erase the pad to start a new drawing"
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
