import { resamplingFor } from '../../client/create-client';
import { CREATE_LIMITS } from '../../shared/create-link-fields';
import { repaintMoves } from '../../ml/repaint-schedule';
import { useCreateStore } from '../../state/create-store';
import { useAppStore } from '../../state/store';
import { NumberInput } from '../components/NumberInput';
import { MaskPad } from './MaskPad';

/** The mask and RePaint's resampling. */
export function InpaintControls() {
  const steps = useAppStore((s) => s.sampleSettings.steps);
  const set = useCreateStore((s) => s.set);
  const jumpCount = useCreateStore((s) => s.jumpCount);
  const jumpLength = useCreateStore((s) => s.jumpLength);
  const r = resamplingFor(steps, jumpLength, jumpCount);
  const calls = repaintMoves(steps, r).filter((m) => m > 0).length;
  return (
    <>
      <MaskPad />
      <section className="card row wrap" aria-label="Resampling">
        <NumberInput
          label="Jump length"
          min={1}
          max={steps}
          value={r.jumpLength}
          integer
          description="Steps taken before going back to resample (the paper: 10 of 250 steps; here scaled to the steps)"
          onChange={(v) => set({ jumpLength: v })}
        />
        <NumberInput
          label="Resample count"
          min={CREATE_LIMITS.jumpCount.min}
          max={CREATE_LIMITS.jumpCount.max}
          value={jumpCount}
          integer
          description="How many times each stretch is taken: 1 is no resampling; the paper uses 10"
          onChange={(v) => set({ jumpCount: v })}
        />
        <p className="muted" data-testid="inpaint-cost">
          {calls} model evaluations for {steps} steps
          {r.jumpCount > 1 ? ` (${(calls / steps).toFixed(1)}× plain sampling)` : ''}.
        </p>
      </section>
    </>
  );
}
