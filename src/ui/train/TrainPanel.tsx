import { Suspense } from 'react';
import { useAppStore } from '../../state/store';
import { FrameCanvas } from '../components/FrameCanvas';
import { Explainer } from '../components/Explainer';
import { Term } from '../help/Term';
import { lazyPart } from '../components/lazy-part';
import { PartBoundary } from '../components/PartBoundary';
import { DataSetPanel } from '../data/DataSetPanel';
import { useModelClasses } from '../data/model-classes';
import { TrainControls } from './TrainControls';
import { TrainSettingsForm } from './TrainSettingsForm';
import { TrainQuality } from './TrainQuality';
import { TrainStats } from './TrainStats';

const TrainCharts = lazyPart(() => import('./TrainCharts'));
const PREVIEW_WIDTH = 10 * 28 + 9 * 2;
const PREVIEW_HEIGHT = 2 * 28 + 2;

function Preview() {
  const step = useAppStore((s) => s.previewStep);
  const every = useAppStore((s) => s.trainSettings.previewEvery);
  const trainedOn = useAppStore((s) => s.model?.settings.dataset ?? null);
  const classes = useModelClasses();
  // The learner's set's class names, when they are more than the indices.
  const named = trainedOn !== null && classes.some((c, i) => c !== String(i));
  return (
    <section className="card" aria-label="Preview samples">
      <h4>
        Samples from the EMA weights (DDIM, 20 steps, fixed noise; columns are classes 0–9
        {named ? `; “${trainedOn}” has ${classes.map((c, i) => `${i} ${c}`).join(', ')}` : ''})
        {step !== null && <span className="muted"> · step {step}</span>}
      </h4>
      {step === null && (
        <p className="muted">
          {every > 0
            ? `A preview appears every ${every} steps once training runs.`
            : 'Previews are off (“Preview every” is 0).'}
        </p>
      )}
      {/* Hidden, not unmounted, until a preview arrives: an empty canvas is a black box. */}
      <div hidden={step === null}>
        <FrameCanvas
          channel="preview"
          scale={2}
          width={PREVIEW_WIDTH}
          height={PREVIEW_HEIGHT}
          label="Preview samples"
          testId="preview-canvas"
        />
      </div>
    </section>
  );
}

/** Train a small UNet denoiser in this tab and watch it learn. */
export function TrainPanel() {
  return (
    <main className="train">
      <div className="col controls">
        <TrainControls />
        <TrainSettingsForm />
        <DataSetPanel />
      </div>
      <div className="col view">
        <Explainer id="train">
          <p>
            <b>Training objective.</b> Each step takes real digits x₀, picks a random t for each and
            noises them with the <Term id="forward-process">forward process</Term>; the{' '}
            <Term id="denoiser">UNet</Term> sees x_t, t and the digit&apos;s class and is asked for
            the noise ε (or v, or x₀ itself — the setting “Predicts”). With{' '}
            <Term id="flow-matching">flow matching</Term> the digit is instead mixed with noise on a
            straight line, x_τ = (1−τ)·x₀ + τ·ε, and the guess is the velocity ε − x₀ along it. The
            loss is the mean squared error of that guess. One network learns every noise level at
            once; the loss by timestep shows which levels are hard. The class is hidden 10 % of the
            time, so the same network also learns to denoise without a label, which{' '}
            <Term id="guidance">classifier-free guidance</Term> needs later. The previews and the
            quality meter sample from an exponential moving average (<Term id="ema">EMA</Term>) of
            the weights, which is smoother than the raw ones.
          </p>
        </Explainer>
        <TrainStats />
        <Preview />
        <TrainQuality />
        <PartBoundary name="the training charts">
          <Suspense fallback={<section className="card charts">Loading charts…</section>}>
            <TrainCharts />
          </Suspense>
        </PartBoundary>
      </div>
    </main>
  );
}
