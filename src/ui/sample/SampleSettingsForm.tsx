import { useAppStore } from '../../state/store';
import { NumberInput } from '../components/NumberInput';
import { useModelClasses } from '../data/model-classes';
import {
  isFlowSampler,
  SAMPLER_NAMES,
  samplerRefusal,
  type SamplerName,
} from '../../ml/prediction';
import type { SampleSettings } from '../../shared/sample-protocol';
import { SAMPLE_NUMBER_FIELDS, type SampleNumberKey } from '../../shared/sample-settings-spec';

/** One line on what each choice does: the label's tooltip and the control's description. */
const HINTS = {
  class: 'Which digit to draw; “any” lets the model choose (and guidance then does nothing)',
  sampler:
    'DDPM adds fresh noise each step (needs many steps); DDIM can take big deterministic steps; Euler and Heun follow a flow-matching model’s velocity from noise to image (Heun asks the model twice a step, for a straighter path)',
  spacing:
    'Which timesteps the steps visit: trailing starts at T−1, leading at a multiple of T/steps, linspace spreads them evenly',
  variance:
    "DDPM's noise each step: the posterior's β̃ (fixed-small) or the forward β (fixed-large)",
  clip: "Clamp the model's guess of the clean image to the pixel range before each step (diffusers' clip_sample); it thickens strokes with guidance",
} as const;

const SAMPLER_OPTIONS: Record<SamplerName, string> = {
  ddim: 'DDIM',
  ddpm: 'DDPM (ancestral)',
  euler: 'Euler (flow matching)',
  heun: 'Heun (flow matching)',
};

/** A sampling number field, its label, range and description from the spec. */
function Num({ k, max }: { k: SampleNumberKey; max?: number }) {
  const value = useAppStore((s) => s.sampleSettings[k]);
  const set = useAppStore((s) => s.setSampleSettings);
  const spec = SAMPLE_NUMBER_FIELDS[k];
  return (
    <NumberInput
      label={spec.label}
      min={spec.min}
      max={max ?? spec.max}
      {...(spec.step === undefined ? {} : { step: spec.step })}
      integer={spec.integer}
      description={spec.description}
      value={value}
      onChange={(v) => set({ [k]: v })}
    />
  );
}

/** `withCount` false: a tab that makes one image (or its own row of them) hides the count. */
export function SampleSettingsForm({ withCount = true }: { withCount?: boolean }) {
  const s = useAppStore((st) => st.sampleSettings);
  const set = useAppStore((st) => st.setSampleSettings);
  const T = useAppStore((st) => st.model?.settings.schedule.T ?? 1000);
  const prediction = useAppStore((st) => st.model?.settings.prediction ?? null);
  const refusal = prediction === null ? null : samplerRefusal(prediction, s.sampler);
  const flowSampler = isFlowSampler(s.sampler);
  const classes = useModelClasses();
  return (
    <section className="card settings-grid" aria-label="Sampling settings">
      {withCount && <Num k="count" />}
      <Num k="seed" />
      <label title={HINTS.class}>
        Class
        <select
          value={s.label ?? 'any'}
          aria-label="Class"
          aria-description={HINTS.class}
          onChange={(e) => set({ label: e.target.value === 'any' ? null : Number(e.target.value) })}
        >
          <option value="any">any (unconditional)</option>
          {classes.map((name, d) => (
            <option key={d} value={d}>
              {name === String(d) ? d : `${d} · ${name}`}
            </option>
          ))}
        </select>
      </label>
      <Num k="guidance" />
      {s.label === null && s.guidance !== 1 && (
        <p className="muted span-all" data-testid="guidance-note">
          Guidance pushes samples toward a class: with “any digit” there is none, so the scale has
          no effect. Pick a class to use it.
        </p>
      )}
      <label title={HINTS.sampler}>
        Sampler
        <select
          value={s.sampler}
          aria-label="Sampler"
          aria-description={HINTS.sampler}
          onChange={(e) => set({ sampler: e.target.value as SampleSettings['sampler'] })}
        >
          {SAMPLER_NAMES.map((kind) => (
            <option
              key={kind}
              value={kind}
              disabled={prediction !== null && samplerRefusal(prediction, kind) !== null}
            >
              {SAMPLER_OPTIONS[kind]}
            </option>
          ))}
        </select>
      </label>
      {refusal && (
        <p className="field-error span-all" role="note" data-testid="sampler-refusal">
          {refusal}
        </p>
      )}
      {prediction === 'flow' && !refusal && (
        <p className="muted span-all" data-testid="flow-sampler-note">
          This model was trained with flow matching: it samples with Euler or Heun (DDPM and DDIM
          step a diffusion model).
        </p>
      )}
      <Num k="steps" max={T} />
      {!flowSampler && <DiffusionFields />}
    </section>
  );
}

/** Spacing, η or variance, and clipping: what only DDPM and DDIM read. */
function DiffusionFields() {
  const s = useAppStore((st) => st.sampleSettings);
  const set = useAppStore((st) => st.setSampleSettings);
  return (
    <>
      <label title={HINTS.spacing}>
        Spacing
        <select
          value={s.spacing}
          aria-label="Spacing"
          aria-description={HINTS.spacing}
          onChange={(e) => set({ spacing: e.target.value as SampleSettings['spacing'] })}
        >
          <option value="leading">leading</option>
          <option value="trailing">trailing</option>
          <option value="linspace">linspace</option>
        </select>
      </label>
      {s.sampler === 'ddim' ? (
        <Num k="eta" />
      ) : (
        <label title={HINTS.variance}>
          Variance
          <select
            value={s.variance}
            aria-label="Variance"
            aria-description={HINTS.variance}
            onChange={(e) => set({ variance: e.target.value as SampleSettings['variance'] })}
          >
            <option value="fixed-small">fixed-small (β̃)</option>
            <option value="fixed-large">fixed-large (β)</option>
          </select>
        </label>
      )}
      <label title={HINTS.clip}>
        Clip x̂₀ to [−1, 1]
        <input
          type="checkbox"
          checked={s.clip}
          aria-label="Clip x0"
          aria-description={HINTS.clip}
          onChange={(e) => set({ clip: e.target.checked })}
        />
      </label>
    </>
  );
}
