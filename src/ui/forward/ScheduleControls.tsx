import { useState } from 'react';
import { SCHEDULE_KINDS, T_MAX, T_MIN, isScheduleKind } from '../../ml/schedule';
import { useAppStore } from '../../state/store';

const SCHEDULE_LABELS = {
  linear: 'linear (1e-4 → 0.02)',
  cosine: 'cosine (Nichol & Dhariwal)',
  'scaled-linear': 'scaled-linear',
  sigmoid: 'sigmoid',
} as const;

export function ScheduleControls() {
  const kind = useAppStore((s) => s.scheduleKind);
  const compare = useAppStore((s) => s.compareKind);
  const T = useAppStore((s) => s.T);
  const noiseSeed = useAppStore((s) => s.noiseSeed);
  const { setScheduleKind, setCompareKind, setNoiseSeed } = useAppStore.getState();

  return (
    <section className="card row wrap" aria-label="Noise schedule">
      <label>
        Schedule
        <select
          value={kind}
          aria-label="Schedule"
          onChange={(e) => isScheduleKind(e.target.value) && setScheduleKind(e.target.value)}
        >
          {SCHEDULE_KINDS.map((k) => (
            <option key={k} value={k}>
              {SCHEDULE_LABELS[k]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Compare with
        <select
          value={compare ?? ''}
          aria-label="Compare with"
          onChange={(e) => setCompareKind(isScheduleKind(e.target.value) ? e.target.value : null)}
        >
          <option value="">none</option>
          {SCHEDULE_KINDS.map((k) => (
            <option key={k} value={k}>
              {SCHEDULE_LABELS[k]}
            </option>
          ))}
        </select>
      </label>
      <TField key={T} T={T} />
      <span className="muted">
        ε seed <span data-testid="noise-seed">{noiseSeed}</span>
      </span>
      <button
        type="button"
        onClick={() =>
          setNoiseSeed(((Math.imul(noiseSeed, 1103515245) + 12345) >>> 0) % 1_000_000 || 1)
        }
      >
        New noise
      </button>
    </section>
  );
}

/** T is typed freely and applied on blur or Enter, so "1" on the way to "100" is not clamped to 10. */
function TField({ T }: { T: number }) {
  const [draft, setDraft] = useState(String(T));
  const apply = () => {
    useAppStore.getState().setT(Number(draft));
    // Show the clamped value even when it equals the current T (then the key does not change).
    setDraft(String(useAppStore.getState().T));
  };
  return (
    <label>
      T
      <input
        type="number"
        min={T_MIN}
        max={T_MAX}
        value={draft}
        aria-label="Number of timesteps T"
        onChange={(e) => setDraft(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => e.key === 'Enter' && apply()}
      />
    </label>
  );
}
