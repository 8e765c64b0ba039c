import { useState } from 'react';
import { cancelSampling, compareSamplers } from '../../client/sample-client';
import { useAppStore } from '../../state/store';
import type { SampleSettings } from '../../shared/sample-protocol';
import { FrameCanvas } from '../components/FrameCanvas';

/** Two samplers from the same starting noise: how many steps, how long, and how the digits look. */
export function ComparePanel() {
  const base = useAppStore((s) => s.sampleSettings);
  const T = useAppStore((s) => s.model?.settings.schedule.T ?? 1000);
  const hasModel = useAppStore((s) => s.model !== null);
  const results = useAppStore((s) => s.compareResults);
  const progress = useAppStore((s) => s.compareProgress);
  // A flow-matching model compares its own two samplers: Euler with every step, Heun with few.
  const flow = useAppStore((s) => s.model?.settings.prediction === 'flow');
  const [many, few] = flow ? (['Euler', 'Heun'] as const) : (['DDPM', 'DDIM'] as const);
  const [fewSteps, setFewSteps] = useState(20);
  const count = Math.min(base.count, 16);
  const a: SampleSettings = {
    ...base,
    count,
    sampler: flow ? 'euler' : 'ddpm',
    steps: T,
    spacing: 'leading',
    variance: 'fixed-small',
  };
  const b: SampleSettings = {
    ...base,
    count,
    sampler: flow ? 'heun' : 'ddim',
    steps: Math.min(fewSteps, T),
    eta: 0,
  };
  const result = (side: 'a' | 'b') => results?.find((r) => r.side === side);
  const cols = Math.ceil(Math.sqrt(count));
  const width = cols * 28 + (cols - 1) * 2;
  const height = Math.ceil(count / cols) * 30 - 2;
  return (
    <section className="card" aria-label="Compare samplers">
      <h4>
        Compare: {many} with all {T} steps against {few} with few steps, same starting noise
      </h4>
      <div className="row wrap">
        <label>
          {few} steps
          <input
            type="number"
            min={1}
            max={T}
            value={fewSteps}
            aria-label={`${few} steps to compare`}
            title={`How few steps ${few} takes against ${many}’s full T`}
            onChange={(e) => setFewSteps(Math.max(1, Math.min(T, Number(e.target.value) || 1)))}
          />
        </label>
        <button
          type="button"
          disabled={!hasModel || progress !== null}
          title={`Sample ${many} with all steps and ${few} with few from the same noise, side by side`}
          onClick={() => compareSamplers(a, b)}
        >
          Run both
        </button>
        {progress && (
          <>
            <span aria-live="polite" data-testid="compare-progress">
              {progress.side === 'a' ? many : few}: step {progress.step} of {progress.total}
            </span>
            <button type="button" title="Stop both runs" onClick={cancelSampling}>
              Cancel compare
            </button>
          </>
        )}
      </div>
      <div className="row wrap compare">
        {(['a', 'b'] as const).map((side) => (
          <figure key={side} className="panel">
            <FrameCanvas
              channel={side === 'a' ? 'compare-a' : 'compare-b'}
              scale={2}
              width={width}
              height={height}
              label={`compare ${side}`}
              testId={`compare-${side}`}
              placeholder={hasModel ? 'Press “Run both”' : 'No model yet'}
            />
            <figcaption data-testid={`compare-${side}-result`}>
              {side === 'a' ? `${many}, ${T} steps` : `${few}, ${b.steps} steps`}
              {result(side) &&
                ` · ${result(side)!.steps} steps in ${(result(side)!.wallMs / 1000).toFixed(2)} s`}
            </figcaption>
          </figure>
        ))}
      </div>
    </section>
  );
}
