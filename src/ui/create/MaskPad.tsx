import { useEffect, useRef } from 'react';
import { useCreateStore } from '../../state/create-store';
import { useAppStore } from '../../state/store';
import { strokeTo, type Point } from '../../shared/brush';
import { MASK_PRESETS, presetMask } from '../../shared/masks';
import { IMAGE_SIZE } from '../../shared/protocol';
import { NumberInput } from '../components/NumberInput';
import { drawMasked } from './mask-overlay';

const SCALE = 8;

/** A hard round brush: the mask is on or off per pixel. */
function disc(value: 0 | 1) {
  return (mask: Uint8Array, cx: number, cy: number, radius: number) => {
    for (let y = Math.floor(cy - radius); y <= Math.ceil(cy + radius); y++)
      for (let x = Math.floor(cx - radius); x <= Math.ceil(cx + radius); x++) {
        if (x < 0 || y < 0 || x >= IMAGE_SIZE || y >= IMAGE_SIZE) continue;
        if (Math.hypot(x + 0.5 - cx, y + 0.5 - cy) <= radius) mask[y * IMAGE_SIZE + x] = value;
      }
  };
}

/** The starting image with the mask over it in red: paint what the model should fill in. */
export function MaskPad() {
  const ref = useRef<HTMLCanvasElement>(null);
  const x0 = useAppStore((s) => s.x0);
  const { mask, brushRadius, erasing, set, invertMask, clearMask } = useCreateStore();
  const last = useRef<Point | null>(null);

  useEffect(() => {
    if (ref.current) drawMasked(ref.current, x0, mask);
  }, [x0, mask]);

  const paint = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const p = {
      x: ((e.clientX - rect.left) / rect.width) * IMAGE_SIZE,
      y: ((e.clientY - rect.top) / rect.height) * IMAGE_SIZE,
    };
    const next = useCreateStore.getState().mask.slice();
    strokeTo(next, last.current ?? p, p, brushRadius, disc(erasing ? 0 : 1));
    last.current = p;
    set({ mask: next });
  };

  return (
    <section className="card" aria-label="Inpainting mask">
      <h3>Mask: paint what the model should fill in</h3>
      <canvas
        ref={ref}
        className="frame pad"
        width={IMAGE_SIZE}
        height={IMAGE_SIZE}
        style={{ width: IMAGE_SIZE * SCALE, height: IMAGE_SIZE * SCALE, touchAction: 'none' }}
        data-testid="mask-pad"
        aria-label="Mask pad: drag to paint the region the model repaints (red); the buttons below do the same with the keyboard"
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          last.current = null;
          paint(e);
        }}
        onPointerMove={(e) => {
          if (e.buttons !== 0) paint(e);
        }}
        onPointerUp={() => (last.current = null)}
      />
      <div className="row wrap">
        <NumberInput
          label="Brush size"
          min={0.5}
          max={6}
          step={0.5}
          value={brushRadius}
          description="Radius of the mask brush in image pixels"
          onChange={(v) => set({ brushRadius: v })}
        />
        <label title="Drag to take the mask away instead of adding to it">
          <input
            type="checkbox"
            checked={erasing}
            aria-description="Drag to take the mask away instead of adding to it"
            onChange={(e) => set({ erasing: e.target.checked })}
          />
          Erase mask
        </label>
        <button type="button" title="Swap kept and repainted regions" onClick={invertMask}>
          Invert
        </button>
        <button
          type="button"
          title="Remove the whole mask (nothing to repaint)"
          onClick={clearMask}
        >
          Clear mask
        </button>
      </div>
      <div className="row wrap" role="group" aria-label="Preset masks">
        {MASK_PRESETS.map((p) => (
          <button
            key={p}
            type="button"
            title={`Repaint the ${p} half of the image and keep the rest`}
            onClick={() => set({ mask: presetMask(p) })}
          >
            {p[0]!.toUpperCase() + p.slice(1)} half
          </button>
        ))}
      </div>
    </section>
  );
}
