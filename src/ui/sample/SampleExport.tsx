import { useState } from 'react';
import { currentFrame, encodeAnimation, recordedFrames } from '../../client/sample-client';
import { cropTile, hstackImages, withMargin } from '../../ml/grid';
import { useAppStore } from '../../state/store';
import { gridColumns, type SampleSettings } from '../../shared/sample-protocol';
import { NumberInput } from '../components/NumberInput';
import { downloadBlob } from '../export/download';
import { FramePngButtons } from '../export/FramePngButtons';
import { downloadPng, upscale } from '../export/png';

const SCALE = 8;
const STRIP_STEPS = 8;

function describe(s: SampleSettings): string {
  const sampler =
    s.sampler === 'ddim'
      ? `ddim${s.steps}-eta${s.eta}`
      : s.sampler === 'ddpm'
        ? `ddpm${s.steps}-${s.variance}`
        : `${s.sampler}${s.steps}`;
  const cls = s.label === null ? 'any' : `class${s.label}`;
  return `${sampler}_seed${s.seed}_${cls}_cfg${s.guidance}`;
}

/** PNG of the frame on screen (grid or one sample), a trajectory strip, and an animated PNG. */
export function SampleExport() {
  const settings = useAppStore((s) => s.sampleSettings);
  const recorded = useAppStore((s) => s.recorded);
  const notify = useAppStore((s) => s.notify);
  const [which, setWhich] = useState<'grid' | number>('grid');
  const [margin, setMargin] = useState(0);
  const [busy, setBusy] = useState(false);
  const columns = gridColumns(settings.count);
  const fail = (e: unknown) => notify('error', e instanceof Error ? e.message : String(e));

  const exportFrame = (kind: 'xt' | 'x0') => {
    const frame = currentFrame();
    if (!frame) return;
    const grid = frame[kind];
    const image = which === 'grid' ? grid : cropTile(grid, which, 28, columns);
    // Named as the menu shows it: "sample 3" is the third, 1-based.
    const what = which === 'grid' ? 'grid' : `sample${which + 1}`;
    downloadPng(
      upscale(withMargin(image, margin), SCALE),
      `${kind}_${describe(settings)}_${what}_step${frame.index + 1}of${frame.total}.png`,
    ).catch(fail);
  };

  const exportStrip = () => {
    const frames = recordedFrames();
    const k = which === 'grid' ? 0 : which;
    const picks = Array.from({ length: Math.min(STRIP_STEPS, frames.length) }, (_, i) =>
      Math.round((i * (frames.length - 1)) / Math.max(1, Math.min(STRIP_STEPS, frames.length) - 1)),
    );
    const strip = hstackImages(picks.map((i) => cropTile(frames[i]!.xt, k, 28, columns)));
    downloadPng(
      upscale(withMargin(strip, margin), SCALE),
      `trajectory_${describe(settings)}_sample${k + 1}_${picks.length}steps.png`,
    ).catch(fail);
  };

  const exportAnimation = () => {
    setBusy(true);
    // The whole grid, or the one sample "Export which" names, like the other exports.
    const frames = recordedFrames().map((f) =>
      withMargin(which === 'grid' ? f.xt : cropTile(f.xt, which, 28, columns), margin),
    );
    const what = which === 'grid' ? 'grid' : `sample${which + 1}`;
    encodeAnimation(frames, which === 'grid' ? 4 : SCALE, 80)
      .then((bytes) =>
        downloadBlob(
          new Blob([bytes as BlobPart], { type: 'image/png' }),
          `denoising_${describe(settings)}_${what}_${frames.length}frames.png`,
        ),
      )
      .catch(fail)
      .finally(() => setBusy(false));
  };

  return (
    <section className="card row wrap" aria-label="Export samples">
      <label>
        Export
        <select
          value={which}
          aria-label="Export which"
          title="Export the whole grid, or one sample of it"
          onChange={(e) => setWhich(e.target.value === 'grid' ? 'grid' : Number(e.target.value))}
        >
          <option value="grid">the whole grid</option>
          {Array.from({ length: settings.count }, (_, k) => (
            <option key={k} value={k}>
              sample {k + 1}
            </option>
          ))}
        </select>
      </label>
      <NumberInput
        label="Margin (px)"
        ariaLabel="Margin"
        value={margin}
        min={0}
        max={16}
        integer
        description="Empty pixels around each exported digit"
        onChange={setMargin}
      />
      <FramePngButtons disabled={recorded === 0} onExport={exportFrame} testId="export-sample-xt" />
      <button
        type="button"
        disabled={recorded < 2}
        title="Download x_t at every recorded step side by side as one PNG"
        onClick={exportStrip}
        data-testid="export-trajectory"
      >
        Trajectory strip PNG
      </button>
      <button
        type="button"
        disabled={recorded < 2 || busy}
        title="Download the recorded run as an animated PNG"
        onClick={exportAnimation}
        data-testid="export-apng"
      >
        {busy ? 'Encoding…' : 'Animated PNG'}
      </button>
    </section>
  );
}
