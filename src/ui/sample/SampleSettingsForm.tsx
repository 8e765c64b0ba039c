import { useAppStore } from '../../state/store';
import { NumberInput } from '../components/NumberInput';
import type { SampleSettings } from '../../shared/sample-protocol';

type NumberKey = 'count' | 'seed' | 'guidance' | 'steps' | 'eta';

function Num(props: { k: NumberKey; label: string; min: number; max: number; step?: number }) {
  const value = useAppStore((s) => s.sampleSettings[props.k]);
  const set = useAppStore((s) => s.setSampleSettings);
  return <NumberInput {...props} value={value} onChange={(v) => set({ [props.k]: v })} />;
}

export function SampleSettingsForm() {
  const s = useAppStore((st) => st.sampleSettings);
  const set = useAppStore((st) => st.setSampleSettings);
  const T = useAppStore((st) => st.model?.settings.schedule.T ?? 1000);
  return (
    <section className="card settings-grid" aria-label="Sampling settings">
      <Num k="count" label="Samples" min={1} max={64} />
      <Num k="seed" label="Seed" min={0} max={2 ** 31 - 1} />
      <label>
        Class
        <select
          value={s.label ?? 'any'}
          aria-label="Class"
          onChange={(e) => set({ label: e.target.value === 'any' ? null : Number(e.target.value) })}
        >
          <option value="any">any (unconditional)</option>
          {Array.from({ length: 10 }, (_, d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
      </label>
      <Num k="guidance" label="Guidance scale" min={0} max={20} step={0.5} />
      {s.label === null && s.guidance !== 1 && (
        <p className="muted span-all" data-testid="guidance-note">
          Guidance pushes samples toward a class: with “any digit” there is none, so the scale has
          no effect. Pick a class to use it.
        </p>
      )}
      <label>
        Sampler
        <select
          value={s.sampler}
          aria-label="Sampler"
          onChange={(e) => set({ sampler: e.target.value as SampleSettings['sampler'] })}
        >
          <option value="ddim">DDIM</option>
          <option value="ddpm">DDPM (ancestral)</option>
        </select>
      </label>
      <Num k="steps" label="Steps" min={1} max={T} />
      <label>
        Spacing
        <select
          value={s.spacing}
          aria-label="Spacing"
          onChange={(e) => set({ spacing: e.target.value as SampleSettings['spacing'] })}
        >
          <option value="leading">leading</option>
          <option value="trailing">trailing</option>
          <option value="linspace">linspace</option>
        </select>
      </label>
      {s.sampler === 'ddim' ? (
        <Num k="eta" label="η" min={0} max={1} step={0.1} />
      ) : (
        <label>
          Variance
          <select
            value={s.variance}
            aria-label="Variance"
            onChange={(e) => set({ variance: e.target.value as SampleSettings['variance'] })}
          >
            <option value="fixed-small">fixed-small (β̃)</option>
            <option value="fixed-large">fixed-large (β)</option>
          </select>
        </label>
      )}
      <label>
        Clip x̂₀ to [−1, 1]
        <input
          type="checkbox"
          checked={s.clip}
          aria-label="Clip x0"
          onChange={(e) => set({ clip: e.target.checked })}
        />
      </label>
    </section>
  );
}
