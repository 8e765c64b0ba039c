import { useEffect, useRef } from 'react';
import { useCreateStore } from '../../state/create-store';
import { useAppStore } from '../../state/store';
import { FrameCanvas } from '../components/FrameCanvas';
import { drawMaskOutline } from './mask-overlay';

function MaskOutline({ scale }: { scale: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const mask = useCreateStore((s) => s.mask);
  useEffect(() => {
    if (ref.current) drawMaskOutline(ref.current, mask);
  }, [mask]);
  return (
    <canvas
      ref={ref}
      width={28}
      height={28}
      aria-hidden="true"
      data-testid="mask-outline"
      style={{
        position: 'absolute',
        left: 0,
        top: 0,
        width: 28 * scale,
        height: 28 * scale,
        imageRendering: 'pixelated',
        pointerEvents: 'none',
      }}
    />
  );
}

function Frame({
  channel,
  label,
  testId,
  caption,
}: {
  channel: 'create-xt' | 'create-x0';
  label: string;
  testId: string;
  caption: React.ReactNode;
}) {
  const columns = useCreateStore((s) => s.runColumns);
  const runKind = useCreateStore((s) => s.runKind);
  const mode = useCreateStore((s) => s.mode);
  const hasModel = useAppStore((s) => s.model !== null);
  const width = columns * 28 + (columns - 1) * 2;
  const scale = Math.max(2, Math.min(8, Math.floor(480 / width)));
  // The mask stays on the frames while an inpainting run is on screen.
  const masked = runKind === 'inpaint' && mode === 'inpaint';
  return (
    <figure className="panel">
      <div style={{ position: 'relative' }}>
        <FrameCanvas
          key={width}
          channel={channel}
          scale={scale}
          width={width}
          height={28}
          label={label}
          testId={testId}
          placeholder={hasModel ? 'Press the button above' : 'No model yet'}
        />
        {masked && <MaskOutline scale={scale} />}
      </div>
      <figcaption>{caption}</figcaption>
    </figure>
  );
}

/** x_t and x̂0 of the run on the player, with the mask's outline while inpainting. */
export function CreateView() {
  return (
    <section className="card panels" aria-label="x_t and predicted x0 of the Create run">
      <Frame
        channel="create-xt"
        label="x_t"
        testId="create-xt"
        caption={
          <>
            x<sub>t</sub> (the state after this step)
          </>
        }
      />
      <Frame
        channel="create-x0"
        label="predicted x0"
        testId="create-x0"
        caption="x̂₀ (the model’s guess of the clean image)"
      />
    </section>
  );
}
