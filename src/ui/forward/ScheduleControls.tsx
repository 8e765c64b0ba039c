import { useMemo, useState } from 'react';
import { SCHEDULE_KINDS, T_MAX, T_MIN, isScheduleKind, makeSchedule } from '../../ml/schedule';
import { fmt } from '../format';
import { useAppStore } from '../../state/store';
import { ZERO_TERMINAL_SNR_FIELD } from '../../shared/train-settings-spec';

const SCHEDULE_LABELS = {
  linear: 'linear (1e-4 → 0.02)',
  cosine: 'cosine (Nichol & Dhariwal)',
  'scaled-linear': 'scaled-linear',
  sigmoid: 'sigmoid',
} as const;

/**
 * A schedule that ends far from pure noise (linear with a small T: x_T ≈ 0.78·x₀ + 0.63·ε at
 * T = 50) surprises: the digit is still plain at the last step. Said, with the numbers, and the
 * fix offered: rescaling to zero terminal SNR. Once rescaled, the note says what changed.
 */
function EndOfScheduleNote() {
  const kind = useAppStore((s) => s.scheduleKind);
  const T = useAppStore((s) => s.T);
  const zero = useAppStore((s) => s.zeroTerminalSnr);
  const end = useMemo(() => makeSchedule(kind, T).alphasCumprod[T - 1] ?? 0, [kind, T]);
  const signal = Math.sqrt(end);
  if (zero) {
    return (
      <p className="muted schedule-note" data-testid="schedule-zero-snr-note">
        Rescaled to zero terminal SNR: at t = {T - 1}, x_t is pure noise (ᾱ = 0; without rescaling
        it would be {fmt(signal, 2)}·x₀ + {fmt(Math.sqrt(1 - end), 2)}·ε). A model trained this way
        should predict v or x₀: at the last step an ε-prediction says nothing about the digit.
      </p>
    );
  }
  if (signal <= END_SIGNAL_NOTE) return null;
  return (
    <p className="muted schedule-note" data-testid="schedule-end-note">
      At the last step, t = {T - 1}, x_t is still {fmt(signal, 2)}·x₀ + {fmt(Math.sqrt(1 - end), 2)}
      ·ε: with T = {T} this schedule never reaches pure noise, so sampling, which starts from pure
      noise, starts somewhere the model never saw. A larger T, the cosine schedule, or rescaling the
      schedule to zero terminal SNR (Lin et al. 2023) fixes it.{' '}
      <button
        type="button"
        title={ZERO_SNR_DESCRIPTION}
        onClick={() => useAppStore.getState().setZeroTerminalSnr(true)}
      >
        Rescale to zero terminal SNR
      </button>
    </p>
  );
}

const ZERO_SNR_DESCRIPTION = ZERO_TERMINAL_SNR_FIELD.description;

/** √ᾱ at T−1 above which the note appears (linear T = 1000 ends at 0.006). */
const END_SIGNAL_NOTE = 0.05;

export function ScheduleControls() {
  const kind = useAppStore((s) => s.scheduleKind);
  const compare = useAppStore((s) => s.compareKind);
  const T = useAppStore((s) => s.T);
  const noiseSeed = useAppStore((s) => s.noiseSeed);
  const zero = useAppStore((s) => s.zeroTerminalSnr);
  const { setScheduleKind, setCompareKind, setNoiseSeed, setZeroTerminalSnr } =
    useAppStore.getState();

  return (
    <section className="card row wrap" aria-label="Noise schedule">
      <label>
        Schedule
        <select
          value={kind}
          aria-label="Schedule"
          title="How fast noise grows with t: the β_t schedule that x_t is made with"
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
          title="A second schedule drawn beside the first in the charts below"
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
      <label title={ZERO_SNR_DESCRIPTION}>
        <input
          type="checkbox"
          checked={zero}
          aria-description={ZERO_SNR_DESCRIPTION}
          onChange={(e) => setZeroTerminalSnr(e.target.checked)}
        />
        {ZERO_TERMINAL_SNR_FIELD.label}
      </label>
      <EndOfScheduleNote />
      <span className="muted">
        ε seed <span data-testid="noise-seed">{noiseSeed}</span>
      </span>
      <button
        type="button"
        title="Draw a different ε (the same noise is kept while you move t)"
        onClick={() =>
          setNoiseSeed(((Math.imul(noiseSeed, 1103515245) + 12345) >>> 0) % 1_000_000 || 1)
        }
      >
        New noise
      </button>
    </section>
  );
}

/**
 * T is typed freely and applied on blur or Enter, so "1" on the way to "100" is not taken for 1.
 * A value out of range is refused in words and the field shows the T in use again.
 */
function TField({ T }: { T: number }) {
  const [draft, setDraft] = useState(String(T));
  const [refused, setRefused] = useState<string | null>(null);
  const apply = () => {
    const n = Number(draft);
    if (Number.isInteger(n) && n >= T_MIN && n <= T_MAX) {
      setRefused(null);
      useAppStore.getState().setT(n);
    } else {
      setRefused(`T must be a whole number from ${T_MIN} to ${T_MAX}; ${draft} was not used.`);
      setDraft(String(useAppStore.getState().T));
    }
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
        title={`How many noise levels the schedule has (${T_MIN}–${T_MAX}); applied on Enter or leaving the field`}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => e.key === 'Enter' && apply()}
      />
      {refused && (
        <span className="field-error" aria-live="polite" data-testid="t-refused">
          {refused}
        </span>
      )}
    </label>
  );
}
