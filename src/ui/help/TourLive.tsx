import { makeSchedule } from '../../ml/schedule';
import { useAppStore } from '../../state/store';
import { fmt } from '../format';

/** The tour's live numbers: x_t's mix at the current t, and how far the sample run is. */
export function LiveMix() {
  const t = useAppStore((s) => s.t);
  const T = useAppStore((s) => s.T);
  const kind = useAppStore((s) => s.scheduleKind);
  const a = makeSchedule(kind, T).alphasCumprod[Math.min(t, T - 1)] ?? 1;
  return (
    <p data-testid="tour-live-mix">
      Now: t = {t}, x_t = {fmt(Math.sqrt(a), 2)}·x₀ + {fmt(Math.sqrt(1 - a), 2)}·ε
    </p>
  );
}

export function LiveSample() {
  const state = useAppStore((s) => s.sampleState);
  const view = useAppStore((s) => s.view);
  return (
    <p data-testid="tour-live-sample">
      {state === 'playing' && view
        ? `Sampling: step ${view.index + 1} of ${view.total}, t = ${view.t}`
        : state === 'done'
          ? 'Done: these digits came out of pure noise.'
          : 'Waiting for the model…'}
    </p>
  );
}
