import {
  cancelSampling,
  pauseSampling,
  playSampling,
  scrubTo,
  setSpeed,
  startSampling,
  stepBack,
  stepForward,
} from '../../client/sample-client';
import { useAppStore } from '../../state/store';

/** Play / pause / step / step back / scrub / cancel: the same recorded run, frame by frame. */
export function SamplePlayer() {
  const state = useAppStore((s) => s.sampleState);
  const recorded = useAppStore((s) => s.recorded);
  const viewIndex = useAppStore((s) => s.viewIndex);
  const view = useAppStore((s) => s.view);
  const speedMs = useAppStore((s) => s.speedMs);
  const hasModel = useAppStore((s) => s.model !== null);
  const active = state === 'playing' || state === 'paused';
  return (
    <section className="card" aria-label="Sampling controls">
      <div className="row wrap">
        <button
          type="button"
          className="primary"
          disabled={!hasModel}
          onClick={() => startSampling(true)}
        >
          Sample
        </button>
        <button type="button" disabled={!hasModel} onClick={() => startSampling(false)}>
          New run, paused
        </button>
        {state === 'playing' ? (
          <button type="button" onClick={pauseSampling}>
            Pause
          </button>
        ) : (
          <button type="button" disabled={state !== 'paused'} onClick={playSampling}>
            Play
          </button>
        )}
        <button type="button" disabled={viewIndex <= 0} onClick={stepBack} aria-label="Step back">
          ◀ Step back
        </button>
        <button
          type="button"
          disabled={state === 'playing' || (viewIndex >= recorded - 1 && state !== 'paused')}
          onClick={stepForward}
          aria-label="Step"
        >
          Step ▶
        </button>
        <button type="button" disabled={!active} onClick={cancelSampling}>
          Cancel
        </button>
      </div>
      <div className="row wrap">
        <label>
          Recorded steps
          <input
            type="range"
            min={0}
            max={Math.max(0, recorded - 1)}
            value={Math.max(0, viewIndex)}
            disabled={recorded < 2}
            aria-label="Scrub through the steps"
            data-testid="sample-scrub"
            onChange={(e) => scrubTo(Number(e.target.value))}
          />
        </label>
        <label>
          Delay per step
          <input
            type="range"
            min={0}
            max={500}
            step={10}
            value={speedMs}
            aria-label="Delay per step"
            onChange={(e) => setSpeed(Number(e.target.value))}
          />
          {speedMs} ms
        </label>
      </div>
      <p data-testid="sample-progress">
        {view
          ? `step ${view.index + 1} of ${view.total} · t = ${view.t} → ${Math.max(view.prevT, -1)} · ${(view.elapsedMs / 1000).toFixed(2)} s`
          : 'no run yet'}{' '}
        · <span data-testid="sample-state">{state}</span>
      </p>
    </section>
  );
}
