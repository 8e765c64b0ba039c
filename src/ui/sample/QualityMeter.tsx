import { useRef, useState } from 'react';
import { measureQuality } from '../../client/sample-client';
import { useAppStore } from '../../state/store';
import {
  DEFAULT_QUALITY_SETTINGS,
  type QualityProgress,
  type QualityReport,
} from '../../shared/quality-protocol';
import { NumberInput } from '../components/NumberInput';
import { Term } from '../help/Term';
import { QualityDataNote } from '../data/QualityDataNote';
import { fmt } from '../format';

interface Result {
  readonly report: QualityReport;
  readonly classifierAccuracy: number;
  readonly step: number;
}

/** Where a measurement is, in words: "sampling 20 of 64 digits (step 7 of 20)". */
function qualityProgressText(p: QualityProgress): string {
  switch (p.phase) {
    case 'loading':
      return 'loading the classifier and real digits…';
    case 'sampling':
      return `sampling ${p.done} of ${p.total} digits${p.step > 0 ? ` (step ${p.step} of ${p.steps})` : ''}`;
    case 'classifying':
      return `classifying ${p.total} digits…`;
  }
}

/** Scores the current model's class-conditional samples with the shipped MNIST classifier. */
export function QualityMeter() {
  const hasModel = useAppStore((s) => s.model !== null);
  const notify = useAppStore((s) => s.notify);
  const [count, setCount] = useState(DEFAULT_QUALITY_SETTINGS.count);
  const [progress, setProgress] = useState<string | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [cancelled, setCancelled] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const measure = () => {
    const controller = new AbortController();
    abort.current = controller;
    setCancelled(false);
    setProgress('starting…');
    measureQuality(
      { ...DEFAULT_QUALITY_SETTINGS, count },
      (p) => setProgress(qualityProgressText(p)),
      controller.signal,
    )
      .then((r) =>
        setResult({ report: r.report, classifierAccuracy: r.classifierAccuracy, step: r.step }),
      )
      .catch((e: unknown) => {
        if (controller.signal.aborted) setCancelled(true);
        else
          notify(
            'error',
            `Quality measurement failed: ${e instanceof Error ? e.message : String(e)}`,
          );
      })
      .finally(() => {
        abort.current = null;
        setProgress(null);
      });
  };
  const r = result?.report;
  return (
    <section className="card" aria-label="Quality meter">
      <h4>Quality meter</h4>
      <p className="muted">
        Samples digits of every class in turn (DDIM-{DEFAULT_QUALITY_SETTINGS.steps}, or Euler-
        {DEFAULT_QUALITY_SETTINGS.steps} for a flow-matching model, guidance{' '}
        {DEFAULT_QUALITY_SETTINGS.guidance}) and scores them with a small MNIST classifier trained
        by this project
        {result ? ` (${(result.classifierAccuracy * 100).toFixed(1)}% on held-out digits)` : ''}.
        <Term id="kid">KID</Term> (kernel inception distance) compares the classifier's features of
        the samples with those of held-out real digits: 0 means the same distribution. Its estimate
        is unbiased, so with few samples it scatters around the true value and can be slightly
        negative. The <Term id="real-vs-real">real-vs-real floor</Term> is KID between two halves of
        the real digits — as good as it gets at this sample size. “
        <Term id="memorised">Memorised</Term>” is the share of samples closer to a training digit
        than almost any real held-out digit is (copies, not new digits). Use ≥ 500 samples for a
        stable KID.
      </p>
      <QualityDataNote />
      <div className="row wrap">
        <NumberInput
          label="Samples to score"
          description="More samples give a steadier KID but take longer; 500 or more for a stable one."
          value={count}
          min={10}
          max={2000}
          onChange={setCount}
        />
        <button
          type="button"
          disabled={!hasModel || progress !== null}
          title="Sample digits of every class and score them: KID, class accuracy, memorised share"
          onClick={measure}
        >
          Measure quality
        </button>
        {progress !== null && (
          <button
            type="button"
            title="Stop the measurement; the worker stops before its next sampling step"
            onClick={() => abort.current?.abort()}
          >
            Cancel measurement
          </button>
        )}
        <span role="status" data-testid="quality-progress">
          {progress ?? (cancelled ? 'Measurement cancelled.' : '')}
        </span>
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
