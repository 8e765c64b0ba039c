import { useAppStore } from '../../state/store';
import {
  QUALITY_SHARE,
  TRAINING_QUALITY_SAMPLES,
  timeToAccuracy,
} from '../../shared/train-protocol';
import { QualityDataNote } from '../data/QualityDataNote';
import { fmt, formatDuration } from '../format';

const SHOWN = 8;
const MILESTONES = [0.5, 0.8, 0.9];

/** "80 % read as asked after 2 min 10 s": the first measurement at or above each milestone. */
function Milestones() {
  const points = useAppStore((s) => s.trainQuality);
  const reached = MILESTONES.map((share) => ({ share, point: timeToAccuracy(points, share) }));
  const best = reached.filter((r) => r.point !== null).at(-1);
  if (!best?.point) return null;
  return (
    <p className="milestone" data-testid="time-to-digits">
      <b>
        {Math.round(best.share * 100)} % read as asked after {formatDuration(best.point.elapsedMs)}
      </b>{' '}
      of training (step {best.point.step})
      {reached
        .filter((r) => r.point !== null && r.share < best.share)
        .map((r) => ` · ${Math.round(r.share * 100)} % after ${formatDuration(r.point!.elapsedMs)}`)
        .join('')}
    </p>
  );
}

/** The quality meter's figures measured during training, newest last. */
export function TrainQuality() {
  const points = useAppStore((s) => s.trainQuality);
  const every = useAppStore((s) => s.trainSettings.qualityEvery ?? 0);
  if (points.length === 0 && every === 0) return null;
  const when =
    every === 'auto'
      ? `As often as keeps it under ${QUALITY_SHARE * 100} % of the training time`
      : `Every ${every > 0 ? every : 'N'} steps`;
  return (
    <section className="card" aria-label="Quality during training">
      <h4>Quality during training</h4>
      <p className="muted">
        {when}, {TRAINING_QUALITY_SAMPLES} class-conditional samples of the EMA weights (DDIM-20,
        guidance 2) scored by the MNIST classifier; training waits meanwhile and its clock stops.
        Class accuracy is the share the classifier reads as the digit asked for (10 % is chance);
        KID falls toward its real-vs-real floor as the digits get realistic.
      </p>
      <QualityDataNote />
      <Milestones />
      {points.length === 0 ? (
        <p className="muted">
          {every === 'auto'
            ? 'The first measurement comes after about 20 s of training.'
            : `The first measurement comes at step ${every}.`}
        </p>
      ) : (
        <table className="quality-table" data-testid="train-quality">
          <thead>
            <tr>
              <th>step</th>
              <th>class accuracy</th>
              <th>confidence</th>
              <th>KID</th>
              <th>floor</th>
              <th>training time</th>
              <th>took</th>
            </tr>
          </thead>
          <tbody>
            {points.slice(-SHOWN).map((p) => (
              <tr key={p.step}>
                <td>{p.step}</td>
                <td>{p.classAccuracy === null ? '–' : `${(p.classAccuracy * 100).toFixed(0)}%`}</td>
                <td>{(p.meanConfidence * 100).toFixed(0)}%</td>
                <td>{fmt(p.kid, 3)}</td>
                <td>{fmt(p.kidRealFloor, 2)}</td>
                <td>{formatDuration(p.elapsedMs)}</td>
                <td>{(p.ms / 1000).toFixed(1)} s</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
