import { startStrengthStrip } from '../../client/create-client';
import { CREATE_LIMITS } from '../../shared/create-link-fields';
import { sdeditStartIndex } from '../../ml/sdedit';
import { STRIP_STRENGTHS, useCreateStore } from '../../state/create-store';
import { useAppStore } from '../../state/store';
import { NumberInput } from '../components/NumberInput';
import { StrengthStrip } from './StrengthStrip';

/** Strength, what it means for this run, and the strengths strip. */
export function SdeditControls() {
  const strength = useCreateStore((s) => s.strength);
  const set = useCreateStore((s) => s.set);
  const steps = useAppStore((s) => s.sampleSettings.steps);
  const hasModel = useAppStore((s) => s.model !== null);
  const kept = steps - sdeditStartIndex(steps, strength);
  return (
    <section className="card" aria-label="SDEdit settings">
      <NumberInput
        label="Strength"
        min={CREATE_LIMITS.strength.min}
        max={CREATE_LIMITS.strength.max}
        step={0.05}
        value={strength}
        description="How far the image is noised before denoising: 0 keeps it, 1 starts from pure noise"
        onChange={(v) => set({ strength: v })}
      />
      <p className="muted" data-testid="sdedit-plan">
        {kept === 0
          ? `At ${strength} no step of ${steps} is left: raise the strength or the steps.`
          : `The run takes the last ${kept} of ${steps} steps: the drawing is noised to where step ${steps - kept + 1} starts.`}
      </p>
      <button
        type="button"
        disabled={!hasModel}
        title="SDEdit the image at strengths 0.2, 0.4, 0.6, 0.8 and 1 from the same seed, side by side"
        onClick={() => startStrengthStrip(STRIP_STRENGTHS)}
      >
        Strengths strip
      </button>
      <StrengthStrip />
    </section>
  );
}
