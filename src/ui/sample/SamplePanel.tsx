import { useAppStore } from '../../state/store';
import { Explainer } from '../components/Explainer';
import { Term } from '../help/Term';
import { gridColumns } from '../../shared/sample-protocol';
import { FrameCanvas } from '../components/FrameCanvas';
import { ModelCardView } from './ModelCardView';
import { ComparePanel } from './ComparePanel';
import { QualityMeter } from './QualityMeter';
import { SampleExport } from './SampleExport';
import { SamplePlayer } from './SamplePlayer';
import { SampleSettingsForm } from './SampleSettingsForm';

/** Reverse process: noise turning into digits, step by step. */
export function SamplePanel() {
  const model = useAppStore((s) => s.model);
  const message = useAppStore((s) => s.sampleMessage);
  const count = useAppStore((s) => s.sampleSettings.count);
  const cols = gridColumns(count);
  const width = cols * 28 + (cols - 1) * 2;
  const height = Math.ceil(count / cols) * 30 - 2;
  const scale = Math.max(1, Math.min(6, Math.floor(300 / width)));
  const placeholder = model ? 'Press “Sample”' : 'No model yet';
  return (
    <main className="train">
      <div className="col controls">
        <SamplePlayer />
        <SampleSettingsForm />
      </div>
      <div className="col view">
        <Explainer id="sample">
          <p>
            The <Term id="reverse-process">reverse process</Term> starts from pure noise x_T and
            walks back: at each step the model guesses the clean image x̂₀ (right), and the sampler
            moves x_t (left) a little toward it, to the noise level of the next step.{' '}
            <Term id="ddpm">DDPM</Term> adds fresh noise at every step and needs all T of them;{' '}
            <Term id="ddim">DDIM</Term> (<Term id="eta">η</Term> = 0) takes a deterministic path
            that stays accurate with far fewer, larger steps — compare them below. A{' '}
            <Term id="flow-matching">flow-matching</Term> model predicts a velocity instead, and{' '}
            <Term id="euler-heun">Euler or Heun</Term> follow it from noise (τ = 1) to the image (τ
            = 0) along nearly straight paths; its t = τ·T − 1 is shown on the same grid.{' '}
            <Term id="guidance">Guidance</Term> runs the model with and without the class and pushes
            the guess further in the direction the class adds (ε̃ = ε_u + s·(ε_c − ε_u)): sharper,
            more typical digits at the cost of variety.
          </p>
        </Explainer>
        {!model && (
          <p className="card notice" data-testid="sample-no-model">
            No model yet. Train one in “2 · Train a denoiser”, or load a model file there; then
            sample here.
          </p>
        )}
        {model && (
          <p className="muted" data-testid="sample-model">
            Sampling with the EMA weights of the{' '}
            {model.origin === 'default' ? 'pretrained default' : model.settings.preset} model at
            step {model.step} (predicts {model.settings.prediction}, {model.settings.schedule.kind}{' '}
            T={model.settings.schedule.T}
            {model.settings.schedule.zeroTerminalSnr ? ', zero terminal SNR' : ''}
            {model.settings.dataset ? `, trained on “${model.settings.dataset}”` : ''}).
            {model.settings.schedule.zeroTerminalSnr && model.settings.prediction === 'epsilon' && (
              <span data-testid="sample-zero-snr-epsilon">
                {' '}
                This ε-model’s first step from pure noise is a guess (x̂₀ = (x_t − ε̂)/√ᾱ with ᾱ = 0);
                v- or x₀-models and trailing spacing suit zero terminal SNR.
              </span>
            )}
          </p>
        )}
        {model && <ModelCardView model={model} />}
        {message && (
          <p className="train-message" data-testid="sample-message">
            {message}
          </p>
        )}
        <section className="card panels" aria-label="x_t and predicted x0">
          <figure className="panel">
            <FrameCanvas
              channel="sample-xt"
              scale={scale}
              width={width}
              height={height}
              label="x_t"
              testId="sample-xt"
              placeholder={placeholder}
            />
            <figcaption>
              x<sub>t</sub> (the state after this step)
            </figcaption>
          </figure>
          <figure className="panel">
            <FrameCanvas
              channel="sample-x0"
              scale={scale}
              width={width}
              height={height}
              label="predicted x0"
              testId="sample-x0"
              placeholder={placeholder}
            />
            <figcaption>x̂₀ (the model’s guess of the clean digits)</figcaption>
          </figure>
        </section>
        <SampleExport />
        <ComparePanel />
        <QualityMeter />
      </div>
    </main>
  );
}
