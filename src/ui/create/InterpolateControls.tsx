import { useCreateStore, type InterpolationKind } from '../../state/create-store';
import { useAppStore } from '../../state/store';
import { CREATE_LIMITS } from '../../shared/create-link-fields';
import { NumberInput } from '../components/NumberInput';

const DIGITS = Array.from({ length: 10 }, (_, d) => d);

function DigitSelect({
  label,
  value,
  onChange,
}: {
  label: string;
  value: number;
  onChange: (d: number) => void;
}) {
  const hint = `${label}: the digit at this end of the walk`;
  return (
    <label title={hint}>
      {label}
      <select
        value={value}
        aria-label={label}
        aria-description={hint}
        onChange={(e) => onChange(Number(e.target.value))}
      >
        {DIGITS.map((d) => (
          <option key={d} value={d}>
            {d}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Between two seeds (the settings' seed and seed B) or two classes at the settings' seed. */
export function InterpolateControls() {
  const c = useCreateStore();
  const seed = useAppStore((s) => s.sampleSettings.seed);
  const hint =
    'Walk between two starting noises (same class), or between two classes from one noise';
  return (
    <section className="card settings-grid" aria-label="Interpolation settings">
      <label title={hint}>
        Between
        <select
          value={c.interpolation}
          aria-label="Interpolate between"
          aria-description={hint}
          onChange={(e) => c.set({ interpolation: e.target.value as InterpolationKind })}
        >
          <option value="seeds">two seeds</option>
          <option value="classes">two classes</option>
        </select>
      </label>
      {c.interpolation === 'seeds' ? (
        <NumberInput
          label="Seed B"
          min={CREATE_LIMITS.seed.min}
          max={CREATE_LIMITS.seed.max}
          integer
          value={c.seedB}
          description={`The walk goes from the noise of seed ${seed} (the settings' seed) to this seed's`}
          onChange={(v) => c.set({ seedB: v })}
        />
      ) : (
        <>
          <DigitSelect label="From class" value={c.classA} onChange={(d) => c.set({ classA: d })} />
          <DigitSelect label="To class" value={c.classB} onChange={(d) => c.set({ classB: d })} />
        </>
      )}
      <NumberInput
        label="Frames"
        min={CREATE_LIMITS.frames.min}
        max={CREATE_LIMITS.frames.max}
        integer
        value={c.frames}
        description="How many images along the walk, both ends included"
        onChange={(v) => c.set({ frames: v })}
      />
      <p className="muted span-all">
        Always DDIM with η = 0 (Euler for a flow-matching model), whatever the sampler below says: a
        deterministic path, so nearby starting points give nearby digits.
      </p>
    </section>
  );
}
