import { useEffect, useState } from 'react';
import { SCHEDULE_KINDS, T_MAX, T_MIN, isScheduleKind } from '../../ml/schedule';
import { useAppStore } from '../../state/store';

export const SCHEDULE_LABELS = {
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
  const { setScheduleKind, setCompareKind, setT, setNoiseSeed } = useAppStore.getState();
  // T is typed freely and applied on blur/Enter, so "1" on the way to "100" is not clamped to 10.
  const [draftT, setDraftT] = useState(String(T));
  useEffect(() => setDraftT(String(T)), [T]);
  const applyT = () => setT(Number(draftT));

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
      <label>
        T
        <input
          type="number"
          min={T_MIN}
          max={T_MAX}
          value={draftT}
          aria-label="Number of timesteps T"
          onChange={(e) => setDraftT(e.target.value)}
          onBlur={applyT}
          onKeyDown={(e) => e.key === 'Enter' && applyT()}
        />
      </label>
      <span className="muted">
        ε seed <span data-testid="noise-seed">{noiseSeed}</span>
      </span>
      <button type="button" onClick={() => setNoiseSeed(((Math.imul(noiseSeed, 1103515245) + 12345) >>> 0) % 1_000_000 || 1)}>
        New noise
      </button>
    </section>
  );
}
