import type { ReactNode } from 'react';
import { startSampling } from '../../client/sample-client';
import { useAppStore } from '../../state/store';
import { Term } from './Term';
import { LiveMix, LiveSample, SamplerInUse } from './TourLive';

export type TourTab = 'forward' | 'train' | 'sample' | 'create' | 'lab2d';

export interface TourStep {
  readonly title: string;
  readonly body: () => ReactNode;
  /** The tab this step is about; the tour switches to it. */
  readonly tab: TourTab;
  /** CSS selectors of the element to highlight, first present wins; none: nothing highlighted. */
  readonly anchor: readonly string[];
  /** A live action when the step opens; returns how to stop it when the step is left. */
  readonly action?: () => () => void;
}

/** Sweeps t from 0 to 60 % of T−1 so the learner sees the digit drown, then leaves it there. */
function sweepTimestep(): () => void {
  const { T, setTimestep } = useAppStore.getState();
  const target = Math.round(0.6 * (T - 1));
  let t = 0;
  setTimestep(0);
  const timer = window.setInterval(() => {
    t = Math.min(target, t + Math.max(1, Math.round(target / 30)));
    setTimestep(t);
    if (t >= target) window.clearInterval(timer);
  }, 50);
  return () => {
    window.clearInterval(timer);
    // Left early: show where the sweep was going, so the next step talks about that t.
    if (t < target) setTimestep(target);
  };
}

/** Runs a sample with the current settings (DDIM, 20 steps by default) once a model is there. */
function sampleWhenReady(): () => void {
  const go = () => {
    if (useAppStore.getState().sampleState !== 'playing') startSampling(true);
  };
  if (useAppStore.getState().model) {
    go();
    return () => undefined;
  }
  const unsubscribe = useAppStore.subscribe((s) => {
    if (!s.model) return;
    unsubscribe();
    go();
  });
  return unsubscribe;
}

export const TOUR_STEPS: readonly TourStep[] = [
  {
    title: 'Welcome',
    tab: 'forward',
    anchor: ['[role="tablist"]'],
    body: () => (
      <p>
        A diffusion model makes digits out of noise. This tour walks the tabs in order: how noise
        destroys a digit, how a network learns to undo it, how that network draws new digits, what
        else it can make, and the same ideas on points in a plane. It takes a minute; skip it at any
        time with Escape.
      </p>
    ),
  },
  {
    title: 'The forward process',
    tab: 'forward',
    anchor: ['[data-testid="xt-canvas"]'],
    action: sweepTimestep,
    body: () => (
      <>
        <p>
          Watch t move: the <Term id="forward-process">forward process</Term> mixes the clean digit
          x₀ with Gaussian noise ε. The larger t, the less digit and the more noise in x_t.
        </p>
        <LiveMix />
      </>
    ),
  },
  {
    title: 'Your turn: move t',
    tab: 'forward',
    anchor: ['[data-testid="t-slider"]'],
    body: () => (
      <>
        <p>
          Drag the slider, or press the arrow keys (Shift: by 10). The weights follow{' '}
          <Term id="alpha-bar">ᾱ_t</Term>, which the schedule sets.
        </p>
        <LiveMix />
      </>
    ),
  },
  {
    title: 'Sampling: noise to digits',
    tab: 'sample',
    anchor: ['section[aria-label="x_t and predicted x0"]'],
    action: sampleWhenReady,
    body: () => (
      <>
        <p>
          The <Term id="reverse-process">reverse process</Term> is running now with the model on
          this page: <SamplerInUse /> starts from pure noise and walks back to a digit. Left: x_t
          after each step; right: <Term id="x0-hat">x̂₀</Term>, the model’s guess of the finished
          digits.
        </p>
        <LiveSample />
      </>
    ),
  },
  {
    title: 'Sampling settings',
    tab: 'sample',
    anchor: ['section[aria-label="Sampling settings"]'],
    body: () => (
      <p>
        Pick a class and a <Term id="guidance">guidance</Term> scale to ask for one digit, change
        the sampler or the number of steps, then press “Sample”. Every field says what it does when
        you point at it.
      </p>
    ),
  },
  {
    title: 'Training a denoiser',
    tab: 'train',
    anchor: [
      'section[aria-label="Training controls"] button.primary',
      'section[aria-label="Training controls"]',
    ],
    body: () => (
      <p>
        The model you just sampled from was trained here. “Train more” continues it; “New model”
        starts from scratch with the settings below. Training runs in your browser, in the
        background.
      </p>
    ),
  },
  {
    title: 'The loss chart',
    tab: 'train',
    anchor: ['[data-testid="loss-chart"]', 'section[aria-label="Preview samples"]'],
    body: () => (
      <p>
        Each step the <Term id="denoiser">denoiser</Term> guesses the noise in freshly noised
        digits; the <Term id="training-loss">loss</Term> is how wrong it was. Watch it fall, and the
        preview samples turn into digits.
      </p>
    ),
  },
  {
    title: 'Create with the model',
    tab: 'create',
    anchor: ['[role="tablist"][aria-label="What to create"]'],
    body: () => (
      <p>
        The Create tab puts the model to work on your own images, step by step like sampling: SDEdit
        turns a rough drawing into a clean digit, inpainting fills in what you erase, and
        interpolation walks from one sample to another.
      </p>
    ),
  },
  {
    title: 'The 2-D lab',
    tab: 'lab2d',
    anchor: ['[aria-labelledby="lab2d-train-h"]', '.lab2d'],
    body: () => (
      <p>
        The same diffusion on points in a plane, where a whole distribution fits on screen: pick or
        draw data, train a small network in seconds (ε, v, x₀ or flow matching), then watch
        particles travel from noise to the data — DDPM, DDIM and flow matching side by side — beside
        the exact denoiser, which only ever lands on training points.
      </p>
    ),
  },
  {
    title: 'That’s it',
    tab: 'train',
    anchor: ['[data-tour="help-buttons"]'],
    body: () => (
      <p>“Glossary” explains every term in plain words, and “Tour” replays this walk. Have fun.</p>
    ),
  },
];
