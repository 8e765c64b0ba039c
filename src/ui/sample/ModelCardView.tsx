import type { ModelEvaluation } from '../../shared/model-card';
import type { ModelSummary } from '../../shared/train-protocol';
import { fmt } from '../format';

const COUNT = new Intl.NumberFormat('en');
const pct = (share: number) => `${(share * 100).toFixed(1)}%`;

function duration(seconds: number): string {
  const min = Math.round(seconds / 60);
  if (min < 1) return `${Math.round(seconds)} s`;
  return min < 60 ? `${min} min` : `${Math.floor(min / 60)} h ${min % 60} min`;
}

/** One measurement's numbers; `testIds` marks the headline one (the quality bar's settings). */
function EvaluationStats({ e, testIds }: { e: ModelEvaluation; testIds: boolean }) {
  return (
    <>
      <h5>
        {e.sampler}, guidance {e.guidance}, {e.clip === false ? 'no x̂₀ clipping' : 'x̂₀ clipped'}
      </h5>
      <dl className="stats" data-testid={testIds ? undefined : 'model-card-other'}>
        <dt>class accuracy</dt>
        <dd data-testid={testIds ? 'model-card-accuracy' : undefined}>
          {e.classAccuracy === null ? '–' : pct(e.classAccuracy)}
        </dd>
        <dt>mean confidence</dt>
        <dd>{pct(e.meanConfidence)}</dd>
        <dt>KID</dt>
        <dd data-testid={testIds ? 'model-card-kid' : undefined}>{fmt(e.kid, 3)}</dd>
        <dt>real-vs-real floor</dt>
        <dd>{fmt(e.kidRealFloor, 3)}</dd>
        <dt>memorised</dt>
        <dd>{pct(e.memorisation)}</dd>
      </dl>
    </>
  );
}

/** The published card of the pretrained default model: how it was made and how good it is. */
export function ModelCardView({ model }: { model: ModelSummary }) {
  const card = model.card;
  if (!card) return null;
  const e = card.evaluation;
  return (
    <section className="card" aria-label="Model card" data-testid="model-card">
      <h4>{card.name} model</h4>
      <p>
        A {card.preset} UNet ({COUNT.format(card.parameters)} parameters) predicting{' '}
        {card.prediction === 'epsilon' ? 'ε' : card.prediction}, {card.schedule.kind} schedule, T ={' '}
        {card.schedule.T}. Trained {COUNT.format(card.steps)} steps × batch {card.batchSize} (peak
        lr {card.learningRate}, seed {card.seed}) on {card.backend} in{' '}
        {duration(card.trainWallTimeS)}
        {card.finalLoss === null ? '' : `; last loss ${fmt(card.finalLoss, 3)}`}.
        {model.step !== card.steps && ` Trained further here since: now at step ${model.step}.`}
      </p>
      <EvaluationStats e={e} testIds />
      {(card.otherEvaluations ?? []).map((other) => (
        <EvaluationStats key={`${other.guidance}/${other.clip}`} e={other} testIds={false} />
      ))}
      <p className="muted">
        Measured on {COUNT.format(e.samples)} class-conditional samples each (seed {e.seed}), scored
        by this project’s MNIST classifier ({pct(e.classifierHeldOutAccuracy)} on held-out digits).
        Reproduce with <code>{card.command}</code>.
      </p>
    </section>
  );
}
