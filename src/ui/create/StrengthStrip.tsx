import { useEffect, useRef } from 'react';
import { hstackImages } from '../../ml/grid';
import { STRIP_STRENGTHS, useCreateStore } from '../../state/create-store';
import { useAppStore } from '../../state/store';
import type { GrayFrame } from '../../shared/protocol';
import { drawGray } from '../components/draw-gray';
import { encodeAnimation } from '../../client/sample-client';
import { downloadBlob } from '../export/download';

function Tile({ frame, strength }: { frame: GrayFrame | null; strength: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current && frame) drawGray(ref.current, frame);
  }, [frame]);
  return (
    <figure className="panel">
      <canvas
        ref={ref}
        className="frame"
        width={28}
        height={28}
        style={{ width: 84, height: 84 }}
        role="img"
        aria-label={frame ? `SDEdit at strength ${strength}` : `strength ${strength}: running`}
        data-testid="strength-tile"
        data-done={frame ? 'yes' : 'no'}
      />
      <figcaption>s = {strength}</figcaption>
    </figure>
  );
}

/** One image at several strengths from one seed: faithful to the drawing on the left, free on the right. */
export function StrengthStrip() {
  const strip = useCreateStore((s) => s.strip);
  const notify = useAppStore((s) => s.notify);
  if (strip.length === 0) return null;
  const done = strip.every((f) => f !== null);
  return (
    <div aria-label="Strengths strip">
      <div className="row wrap">
        {strip.map((f, k) => (
          <Tile key={k} frame={f} strength={STRIP_STRENGTHS[k] ?? 0} />
        ))}
      </div>
      <button
        type="button"
        disabled={!done}
        title="Download the strip as one PNG, weakest strength on the left"
        onClick={() => {
          const frames = strip.filter((f): f is GrayFrame => f !== null);
          // One frame: a plain PNG, encoded in the worker.
          encodeAnimation([hstackImages(frames)], 8, 0)
            .then((bytes) =>
              downloadBlob(
                new Blob([bytes as BlobPart], { type: 'image/png' }),
                `sdedit_strengths_${STRIP_STRENGTHS.join('-')}.png`,
              ),
            )
            .catch((e: unknown) => notify('error', e instanceof Error ? e.message : String(e)));
        }}
      >
        PNG of the strip
      </button>
    </div>
  );
}
