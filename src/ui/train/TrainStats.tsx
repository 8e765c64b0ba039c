import type { TrainProgressStats } from '../../shared/train-protocol';
import { useAppStore } from '../../state/store';
import { fmt } from '../format';

// One formatter for the page's life: toLocaleString builds a new one (with a locale look-up) per call.
const COUNT = new Intl.NumberFormat('en');

function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h ${m}m` : `${m}m ${String(s % 60).padStart(2, '0')}s`;
}

function replayText(r: NonNullable<TrainProgressStats['replay']>): string {
  if (r.replayed === 0)
    return r.failure ? `through tfjs (${r.failure})` : 'through tfjs (recording)';
  const js = r.encodeMs === null ? '' : ` · ${fmt(r.encodeMs, 2)} ms JS/step`;
  const gpu = r.gpuMs === null ? '' : ` · ${fmt(r.gpuMs, 2)} ms GPU/step`;
  const counts =
    r.programs === null || r.copies === null ? '' : ` (${r.programs} programs, ${r.copies} copies)`;
  return `replayed from a recording${counts}${js}${gpu}`;
}

export function TrainStats() {
  const status = useAppStore((s) => s.trainStatus);
  const model = useAppStore((s) => s.model);
  const stats = useAppStore((s) => s.trainStats);
  const message = useAppStore((s) => s.trainMessage);
  const step = stats?.step ?? model?.step ?? 0;
  const total = stats?.totalSteps ?? model?.settings.totalSteps ?? 0;
  return (
    <section className="card" aria-label="Training status">
      <p>
        Status: <b data-testid="train-status">{status}</b>
        {model && (
          <span className="muted">
            {' '}
            · {model.settings.preset} UNet, {COUNT.format(model.params)} parameters, predicts{' '}
            {model.settings.prediction}, {model.settings.schedule.kind} T=
            {model.settings.schedule.T}
            {model.settings.schedule.zeroTerminalSnr ? ' (zero terminal SNR)' : ''} · on{' '}
            {model.backend}
          </span>
        )}
      </p>
      {message && (
        <p className="train-message" data-testid="train-message">
          {message}
        </p>
      )}
      <dl className="stats">
        <dt>step</dt>
        <dd data-testid="train-step">
          {step} / {total}
        </dd>
        <dt>steps/s</dt>
        <dd data-testid="steps-per-sec">{stats ? fmt(stats.stepsPerSec, 3) : '–'}</dd>
        <dt>images/s</dt>
        <dd>{stats ? fmt(stats.imagesPerSec, 3) : '–'}</dd>
        <dt>elapsed</dt>
        <dd>{stats ? duration(stats.elapsedMs) : '–'}</dd>
        <dt>ETA</dt>
        <dd>{stats && status === 'running' ? duration(stats.etaMs) : '–'}</dd>
        <dt>learning rate</dt>
        <dd>{stats ? fmt(stats.lr, 3) : '–'}</dd>
        <dt>‖grad‖</dt>
        <dd>{stats ? fmt(stats.gradNorm, 3) : '–'}</dd>
        {stats?.replay && (
          <>
            <dt
              className="row-start"
              title="A WebGPU step is recorded once; later steps replay its GPU commands with new inputs instead of going through tfjs op by op. JS/step: the JavaScript that sends a step; GPU/step: the GPU's own time for it (timestamp queries, where the browser has them)."
            >
              GPU commands
            </dt>
            <dd className="row-rest" data-testid="train-replay">
              {replayText(stats.replay)}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
