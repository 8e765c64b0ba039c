import { useState } from 'react';
import { measureQuality } from '../../client/sample-client';
import { useAppStore } from '../../state/store';
import { DEFAULT_QUALITY_SETTINGS, type QualityReport } from '../../shared/quality-protocol';
import { NumberInput } from '../components/NumberInput';
import { fmt } from '../format';

interface Result {
  readonly report: QualityReport;
  readonly classifierAccuracy: number;
  readonly step: number;
}

/** Scores the current model's class-conditional samples with the shipped MNIST classifier. */
export function QualityMeter() {
  const hasModel = useAppStore((s) => s.model !== null);
  const notify = useAppStore((s) => s.notify);
  const [count, setCount] = useState(DEFAULT_QUALITY_SETTINGS.count);
  const [progress, setProgress] = useState<string | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const measure = () => {
    setProgress('starting…');
    measureQuality({ ...DEFAULT_QUALITY_SETTINGS, count }, (done, total) =>
      setProgress(`${done} / ${total} samples`),
    )
      .then((r) =>
        setResult({ report: r.report, classifierAccuracy: r.classifierAccuracy, step: r.step }),
      )
      .catch((e: unknown) =>
        notify(
          'error',
          `Quality measurement failed: ${e instanceof Error ? e.message : String(e)}`,
        ),
      )
      .finally(() => setProgress(null));
  };
  const r = result?.report;
  return (
    <section className="card" aria-label="Quality meter">
      <h4>Quality meter</h4>
      <p className="muted">
        Samples digits of every class in turn (DDIM-{DEFAULT_QUALITY_SETTINGS.steps}, guidance{' '}
        {DEFAULT_QUALITY_SETTINGS.guidance}) and scores them with a small MNIST classifier trained
        by this project
        {result ? ` (${(result.classifierAccuracy * 100).toFixed(1)}% on held-out digits)` : ''}.
        KID (kernel inception distance) compares the classifier's features of the samples with those
        of held-out real digits: 0 means the same distribution. Its estimate is unbiased, so with
        few samples it scatters around the true value and can be slightly negative. The real-vs-real
        floor is KID between two halves of the real digits — as good as it gets at this sample size.
        “Memorised” is the share of samples closer to a training digit than almost any real held-out
        digit is (copies, not new digits). Use ≥ 500 samples for a stable KID.
      </p>
      <div className="row wrap">
        <NumberInput
          label="Samples to score"
          value={count}
          min={10}
          max={2000}
          onChange={setCount}
        />
        <button type="button" disabled={!hasModel || progress !== null} onClick={measure}>
          Measure quality
        </button>
        {progress && <span data-testid="quality-progress">{progress}</span>}
      </div>
      {r && (
        <dl className="stats" data-testid="quality-report">
          <dt>model step</dt>
          <dd>{result.step}</dd>
          <dt>samples</dt>
          <dd>{r.samples}</dd>
          <dt>KID</dt>
          <dd data-testid="quality-kid">{fmt(r.kid, 3)}</dd>
          <dt>real-vs-real floor</dt>
          <dd>{fmt(r.kidRealFloor, 3)}</dd>
          <dt>class accuracy</dt>
          <dd data-testid="quality-accuracy">
            {r.classAccuracy === undefined ? '–' : `${(r.classAccuracy * 100).toFixed(1)}%`}
          </dd>
          <dt>mean confidence</dt>
          <dd>{(r.meanConfidence * 100).toFixed(1)}%</dd>
          <dt>memorised</dt>
          <dd>{(r.memorisation * 100).toFixed(1)}%</dd>
        </dl>
      )}
    </section>
  );
}
