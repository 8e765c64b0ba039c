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

interface Props {
  /** Starts a new run (playing, or paused at its start): plain sampling unless a tab says otherwise. */
  start?: (play: boolean) => void;
  startLabel?: string;
  /** One line on what the start button does. */
  startDescription?: string;
}

/**
 * A timestep as shown: a flow-matching run (Euler, Heun) visits τ·T − 1, between grid points when
 * its steps do not divide T.
 */
function gridT(t: number): string {
  return Number.isInteger(t) ? String(t) : t.toFixed(1);
}

/** Play / pause / step / step back / scrub / cancel: the same recorded run, frame by frame. */
export function SamplePlayer({
  start = startSampling,
  startLabel = 'Sample',
  startDescription = 'Start a new run from fresh noise and play it step by step',
}: Props) {
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
          title={startDescription}
          onClick={() => start(true)}
        >
          {startLabel}
        </button>
        <button
          type="button"
          disabled={!hasModel}
          title="Start a new run and stop before the first step, to go through it with Step"
          onClick={() => start(false)}
        >
          New run, paused
        </button>
        {state === 'playing' ? (
          <button
            type="button"
            title="Stop playing; the run stays where it is"
            onClick={pauseSampling}
          >
            Pause
          </button>
        ) : (
          <button
            type="button"
            disabled={state !== 'paused'}
            title="Go on playing the paused run"
            onClick={playSampling}
          >
            Play
          </button>
        )}
        <button
          type="button"
          disabled={viewIndex <= 0}
          onClick={stepBack}
          aria-label="Step back"
          title="Show the step before (recorded steps are kept)"
        >
          ◀ Step back
        </button>
        <button
          type="button"
          disabled={state === 'playing' || (viewIndex >= recorded - 1 && state !== 'paused')}
          onClick={stepForward}
          title="Take one reverse step (or show the next recorded one)"
          aria-label="Step"
        >
          Step ▶
        </button>
        <button
          type="button"
          disabled={!active}
          title="Stop this run; what was recorded stays"
          onClick={cancelSampling}
        >
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
            title="Drag to look at any recorded step again"
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
            title="How long each step stays on screen while playing"
            onChange={(e) => setSpeed(Number(e.target.value))}
          />
          {speedMs} ms
        </label>
      </div>
      <p data-testid="sample-progress">
        {view
          ? view.t === view.prevT
            ? `start · x at t = ${gridT(view.t)}, before step ${view.index + 2} of ${view.total}`
            : `step ${view.index + 1} of ${view.total} · t = ${gridT(view.t)} → ${gridT(Math.max(view.prevT, -1))} · ${(view.elapsedMs / 1000).toFixed(2)} s`
          : 'no run yet'}{' '}
        · <span data-testid="sample-state">{state}</span>
      </p>
    </section>
  );
}
