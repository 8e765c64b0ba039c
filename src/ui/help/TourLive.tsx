import { useAppStore } from '../../state/store';
import { useForwardSchedule } from '../forward/use-forward-schedule';
import { fmt } from '../format';
import { Term } from './Term';

/** The tour's live numbers: x_t's mix at the current t (the forward tab's schedule). */
export function LiveMix() {
  const t = useAppStore((s) => s.t);
  const schedule = useForwardSchedule();
  const a = schedule.alphasCumprod[Math.min(t, schedule.alphasCumprod.length - 1)] ?? 1;
  return (
    <p data-testid="tour-live-mix">
      Now: t = {t}, x_t = {fmt(Math.sqrt(a), 2)}·x₀ + {fmt(Math.sqrt(1 - a), 2)}·ε
    </p>
  );
}

/** How far the tour's sample run is. */
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

/** The sampler the run uses, as the Sample form is set (DDIM with 20 steps unless changed). */
export function SamplerInUse() {
  const sampler = useAppStore((s) => s.sampleSettings.sampler);
  const steps = useAppStore((s) => s.sampleSettings.steps);
  return (
    <>
      <Term id={sampler}>{sampler.toUpperCase()}</Term> with {steps} steps
    </>
  );
}
