import { useAppStore } from '../../state/store';
import { TRAINING_QUALITY_SAMPLES } from '../../shared/train-protocol';
import { fmt } from '../format';

const SHOWN = 8;

/** The quality meter's figures measured during training, newest last. */
export function TrainQuality() {
  const points = useAppStore((s) => s.trainQuality);
  const every = useAppStore((s) => s.trainSettings.qualityEvery ?? 0);
  if (points.length === 0 && every === 0) return null;
  return (
    <section className="card" aria-label="Quality during training">
      <h4>Quality during training</h4>
      <p className="muted">
        Every {every > 0 ? every : 'N'} steps, {TRAINING_QUALITY_SAMPLES} class-conditional samples
        of the EMA weights (DDIM-20, guidance 2) scored by the MNIST classifier; training waits
        meanwhile. KID falls toward its real-vs-real floor as the digits get realistic.
      </p>
      {points.length === 0 ? (
        <p className="muted">The first measurement comes at step {every}.</p>
      ) : (
        <table className="quality-table" data-testid="train-quality">
          <thead>
            <tr>
              <th>step</th>
              <th>class accuracy</th>
              <th>confidence</th>
              <th>KID</th>
              <th>floor</th>
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
                <td>{(p.ms / 1000).toFixed(1)} s</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
