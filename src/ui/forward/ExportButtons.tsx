import { latestFrame } from '../../client/frame-bus';
import { evenlySpacedTimesteps } from '../../ml/schedule';
import { IMAGE_SIZE, STRIP_COUNT, STRIP_WIDTH } from '../../shared/protocol';
import { useAppStore } from '../../state/store';
import { downloadPng, upscale } from '../export/png';

export const XT_EXPORT_SCALE = 16;
export const STRIP_EXPORT_SCALE = 8;

export function ExportButtons() {
  const kind = useAppStore((s) => s.scheduleKind);
  const T = useAppStore((s) => s.T);
  const notify = useAppStore((s) => s.notify);

  /** `name` gets the frame's meta (x_t's timestep), which may trail the slider by a frame. */
  const exportFrame = (
    channel: 'xt' | 'strip',
    scale: number,
    name: (meta: number | null) => string,
  ) => {
    const latest = latestFrame(channel);
    if (!latest) {
      notify('info', 'Nothing to export yet: wait for the first frame.');
      return;
    }
    downloadPng(upscale(latest.frame, scale), name(latest.meta)).catch((e: unknown) =>
      notify('error', String(e)),
    );
  };

  return (
    <section className="card row wrap" aria-label="Export">
      <button
        type="button"
        data-testid="export-xt"
        title="Download the x_t shown now as an enlarged PNG"
        onClick={() => exportFrame('xt', XT_EXPORT_SCALE, (t) => `xt_${kind}_T${T}_t${t ?? 0}.png`)}
      >
        Export x<sub>t</sub> PNG ({IMAGE_SIZE * XT_EXPORT_SCALE}×{IMAGE_SIZE * XT_EXPORT_SCALE})
      </button>
      <button
        type="button"
        data-testid="export-strip"
        title="Download the strip of x_t at evenly spaced timesteps as one PNG"
        onClick={() =>
          exportFrame(
            'strip',
            STRIP_EXPORT_SCALE,
            () => `xt-strip_${kind}_T${T}_t${evenlySpacedTimesteps(T, STRIP_COUNT).join('-')}.png`,
          )
        }
      >
        Export strip PNG ({STRIP_WIDTH * STRIP_EXPORT_SCALE}×{IMAGE_SIZE * STRIP_EXPORT_SCALE})
      </button>
    </section>
  );
}
