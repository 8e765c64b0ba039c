import { useState } from 'react';
import { currentFrame, encodeAnimation, recordedFrames } from '../../client/sample-client';
import { cropTile } from '../../ml/grid';
import { useCreateStore } from '../../state/create-store';
import { useAppStore } from '../../state/store';
import type { GrayFrame } from '../../shared/protocol';
import { downloadBlob } from '../export/download';
import { FramePngButtons } from '../export/FramePngButtons';

const SCALE = 8;

/** PNG of the frame on screen; an animated PNG of the run, or of the interpolation's frames. */
export function CreateExport() {
  const recorded = useAppStore((s) => s.recorded);
  const state = useAppStore((s) => s.sampleState);
  const notify = useAppStore((s) => s.notify);
  const runKind = useCreateStore((s) => s.runKind);
  const columns = useCreateStore((s) => s.runColumns);
  const seed = useAppStore((s) => s.sampleSettings.seed);
  const [busy, setBusy] = useState(false);
  const fail = (e: unknown) => notify('error', e instanceof Error ? e.message : String(e));
  const name = `${runKind ?? 'create'}_seed${seed}`;
  const walk = runKind === 'interpolate';

  /** Encoded in the worker (one frame is a plain PNG), so the page stays responsive. */
  const savePng = (images: GrayFrame[], scale: number, delayMs: number, file: string) => {
    setBusy(true);
    encodeAnimation(images, scale, delayMs)
      .then((bytes) => downloadBlob(new Blob([bytes as BlobPart], { type: 'image/png' }), file))
      .catch(fail)
      .finally(() => setBusy(false));
  };

  const exportFrame = (kind: 'xt' | 'x0') => {
    const frame = currentFrame();
    if (!frame) return;
    savePng(
      [frame[kind]],
      walk ? 4 : SCALE,
      0,
      `${kind}_${name}_step${frame.index + 1}of${frame.total}.png`,
    );
  };

  /** Interpolation: one animation frame per image of the walk; otherwise x_t at every recorded step. */
  const exportAnimation = () => {
    const frames = recordedFrames();
    const last = frames.at(-1);
    if (!last) return;
    const images = walk
      ? Array.from({ length: columns }, (_, k) => cropTile(last.xt, k, 28, columns))
      : frames.map((f) => f.xt);
    savePng(images, SCALE, walk ? 250 : 80, `${name}_${images.length}frames.png`);
  };

  return (
    <section className="card row wrap" aria-label="Export the Create run">
      <FramePngButtons disabled={recorded === 0} onExport={exportFrame} testId="create-export-xt" />
      <button
        type="button"
        disabled={busy || (walk ? state !== 'done' : recorded < 2)}
        title={
          walk
            ? 'Download the walk as an animated PNG, one frame per image'
            : 'Download x_t at every step as an animated PNG'
        }
        onClick={exportAnimation}
        data-testid="create-export-apng"
      >
        {busy ? 'Encoding…' : walk ? 'Animated PNG of the walk' : 'Animated PNG of the run'}
      </button>
    </section>
  );
}
