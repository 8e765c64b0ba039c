import { startTraining, stopTraining } from '../../client/lab2d-client';
import { OBJECTIVES, OBJECTIVE_LABELS, type Objective } from '../../ml/lab2d/objective';
import { useLab2dStore } from '../../state/lab2d-store';
import { LAB2D_LIMITS } from '../../shared/lab2d-link-fields';
import { Explainer } from '../components/Explainer';
import { NumberInput } from '../components/NumberInput';
import { Button, Check, Select } from './controls';
import { LossChart } from './LossChart';

/** Training the small MLP in the lab's worker, with its live loss. */
export function TrainCard() {
  const s = useLab2dStore();
  const set = (patch: Partial<typeof s.trainSettings>) =>
    useLab2dStore.setState({ trainSettings: { ...s.trainSettings, ...patch } });
  const run = s.training;
  const labelled = s.points.classes > 1;
  const last = s.losses.length > 0 ? s.losses[s.losses.length - 1] : undefined;
  const gamma = s.trainSettings.minSnrGamma;
  return (
    <section className="card" aria-labelledby="lab2d-train-h">
      <h2 id="lab2d-train-h">Train a denoiser</h2>
      <Explainer id="lab2d-train">
        <p>
          A small network (an MLP: x, y, a sinusoidal embedding of t and, for guidance, the label)
          learns from noised copies of the points. With ε it predicts the noise, with v the mix √ᾱ·ε
          − √(1−ᾱ)·x₀, with x₀ the clean point. Flow matching instead moves points on straight
          lines, x_t = (1−t)·x₀ + t·ε, and learns the velocity ε − x₀. The lab keeps one diffusion
          model and one flow-matching model, so both can be compared below. Labels are hidden 10 %
          of the time, so one network learns both p(x) and p(x | label); unguided samples each take
          a label in the data's proportions.
        </p>
        <p>
          x₀ is the hardest here: near t = 0 the network must reproduce its input exactly (x̂₀ ≈
          x_t), which a small MLP only approximates, and that error lands in the samples unshrunk at
          every late step; ε and v get the near-identity for free from the sampler's formula, which
          scales their error by √(1−ᾱ), small there. So x₀'s loss is weighted by min(SNR, {gamma}):
          its errors on the nearly clean points, which a plain loss barely notices, count up to{' '}
          {gamma}× more (about as much as training on ε would count them); ε, v or flow matching are
          still the safer choice. Samples use a moving average of the weights (EMA, decay{' '}
          {s.trainSettings.emaDecay}), which smooths out the last steps' jitter.
        </p>
      </Explainer>
      <div className="row wrap">
        <Select<Objective>
          label="Predicts"
          description="What the network learns to output: the noise, v, the clean point, or the flow-matching velocity"
          value={s.trainSettings.objective}
          options={OBJECTIVES.map((o) => [o, OBJECTIVE_LABELS[o]] as const)}
          disabled={run !== null}
          onChange={(objective) => set({ objective })}
        />
        <NumberInput
          label="Steps"
          description={`Training steps of ${s.trainSettings.batchSize} noised points each`}
          value={s.trainSettings.steps}
          min={LAB2D_LIMITS.trainSteps.min}
          max={LAB2D_LIMITS.trainSteps.max}
          integer
          disabled={run !== null}
          onChange={(steps) => set({ steps })}
        />
        <NumberInput
          label="Width"
          description="Units in each of the network's 3 hidden layers: wider fits finer shapes but trains slower"
          value={s.trainSettings.hidden}
          min={LAB2D_LIMITS.width.min}
          max={LAB2D_LIMITS.width.max}
          integer
          disabled={run !== null}
          onChange={(hidden) => set({ hidden })}
        />
        <Check
          label="Use labels"
          description="Also feed the point's label, so samples can be guided toward one labelled group"
          checked={s.trainSettings.conditional && labelled}
          disabled={run !== null || !labelled}
          onChange={(conditional) => set({ conditional })}
        />
        {run ? (
          <Button
            description="Stops training and keeps the model as it is now"
            onClick={stopTraining}
          >
            Stop
          </Button>
        ) : (
          <Button
            primary
            description="Trains a new model of this kind on the current points, replacing the previous one of its kind"
            disabled={s.points.labels.length < 2}
            onClick={startTraining}
          >
            Train
          </Button>
        )}
      </div>
      <p data-testid="lab2d-train-status" aria-live="polite">
        {run
          ? `Training: step ${run.step} of ${run.total} · ${run.seconds.toFixed(1)} s${last === undefined ? '' : ` · loss ${last.toFixed(3)}`}`
          : s.trainError
            ? ''
            : trainedLine(s.trained)}
      </p>
      {s.trainError && (
        <p role="alert" className="field-error">
          {s.trainError}
        </p>
      )}
      <LossChart losses={s.losses} />
      {s.backend && (
        <p className="muted" data-testid="lab2d-backend">
          The lab trains on {s.backend.name === 'wasm' ? 'WebAssembly' : 'the CPU backend'} (
          {s.backend.note}).
        </p>
      )}
    </section>
  );
}

function trainedLine(trained: ReturnType<typeof useLab2dStore.getState>['trained']): string {
  const parts = (['diffusion', 'flow'] as const).flatMap((f) => {
    const m = trained[f];
    return m
      ? [`${OBJECTIVE_LABELS[m.objective]}: ${m.steps} steps in ${m.seconds.toFixed(1)} s`]
      : [];
  });
  return parts.length > 0 ? `Trained — ${parts.join('; ')}.` : 'No model trained yet.';
}
