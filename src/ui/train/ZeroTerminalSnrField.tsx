import { useAppStore } from '../../state/store';
import { ZERO_TERMINAL_SNR_FIELD } from '../../shared/train-settings-spec';

const SPEC = ZERO_TERMINAL_SNR_FIELD;

/**
 * Zero terminal SNR as a training setting (part of the schedule, so part of the model). With it
 * ᾱ at T−1 is 0 and x_{T−1} is pure noise: an ε-prediction there holds nothing of the digit, so
 * x̂₀ = (x_t − √(1−ᾱ)ε̂)/√ᾱ is 0/0. Lin et al. train with v-prediction and sample with trailing
 * spacing; the form says so when ε is picked.
 */
export function ZeroTerminalSnrField() {
  const schedule = useAppStore((s) => s.trainSettings.schedule);
  const prediction = useAppStore((s) => s.trainSettings.prediction);
  const set = useAppStore((s) => s.setTrainSettings);
  const running = useAppStore((s) => s.trainStatus === 'running');
  const on = schedule.zeroTerminalSnr ?? false;
  return (
    <>
      <label title={SPEC.description}>
        {SPEC.label}
        <input
          type="checkbox"
          checked={on}
          // Flow matching's path reaches pure noise at t = T−1 by itself.
          disabled={running || prediction === 'flow'}
          aria-label="Training zero terminal SNR"
          aria-description={SPEC.description}
          onChange={(e) => set({ schedule: { ...schedule, zeroTerminalSnr: e.target.checked } })}
        />
      </label>
      {on && prediction === 'epsilon' && (
        <p className="field-error span-all" role="note" data-testid="zero-snr-epsilon-warning">
          With zero terminal SNR, x at t = {schedule.T - 1} is pure noise, so predicting the noise ε
          there says nothing about the digit and x̂₀ = (x_t − ε̂)/√ᾱ divides by 0 (the sampler keeps
          it finite, but the first step is a guess). Lin et al. recommend v-prediction with it, and
          sampling with trailing spacing so the first step starts at t = {schedule.T - 1}.
        </p>
      )}
    </>
  );
}
