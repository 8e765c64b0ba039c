import { useEffect, useRef } from 'react';
import { runnableMethods, startSampling } from '../../client/lab2d-client';
import type { FlowSolver, Method } from '../../ml/lab2d/reverse';
import { useLab2dStore, type SampleSettings2d } from '../../state/lab2d-store';
import type { DenoiserSource, TrajectoryMessage } from '../../shared/lab2d-protocol';
import { LAB2D_LIMITS } from '../../shared/lab2d-link-fields';
import { Explainer } from '../components/Explainer';
import { NumberInput } from '../components/NumberInput';
import { downloadBlob } from '../export/download';
import { Button, Select } from './controls';
import { clear, drawPoints, drawTrails, samplesCsv, trailsSvg } from './plot';

const SIZE = 300;
/** Trails drawn per panel: enough to see the paths' shapes, few enough to tell them apart. */
const TRAILS = 80;
const FRAME_MS = 60;

const TITLES: Record<Method, string> = {
  ddpm: 'DDPM (stochastic)',
  ddim: 'DDIM (η = 0)',
  flow: 'Flow matching',
};

function TrajectoryCanvas({ traj, frame }: { traj: TrajectoryMessage; frame: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const points = useLab2dStore((s) => s.points);
  const n = traj.frames.length / 2 / traj.times.length;
  const f = Math.min(frame, traj.times.length - 1);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    clear(ctx, SIZE, false);
    drawPoints(ctx, SIZE, points.xy, points.labels, 1, 0.25);
    drawTrails(ctx, SIZE, traj.frames, n, f, TRAILS);
  }, [traj, f, n, points]);
  const time = traj.times[f] ?? 0;
  const label = `${TITLES[traj.method]}: step ${f} of ${traj.times.length - 1}, ${traj.method === 'flow' ? `t = ${time.toFixed(2)}` : `t = ${time}`}`;
  return (
    <figure className="lab2d-figure">
      <canvas
        ref={ref}
        width={SIZE}
        height={SIZE}
        role="img"
        aria-label={label}
        data-testid={`lab2d-traj-${traj.method}`}
      />
      <figcaption className="muted">{label}</figcaption>
    </figure>
  );
}

/** Play / pause / step / step back / scrub over the recorded reverse processes. */
function Player({ frames }: { frames: number }) {
  const frame = useLab2dStore((s) => s.frame);
  const playing = useLab2dStore((s) => s.playing);
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      const s = useLab2dStore.getState();
      if (s.frame >= frames - 1) useLab2dStore.setState({ playing: false });
      else useLab2dStore.setState({ frame: s.frame + 1 });
    }, FRAME_MS);
    return () => clearInterval(timer);
  }, [playing, frames]);
  const go = (f: number) =>
    useLab2dStore.setState({ frame: Math.max(0, Math.min(frames - 1, f)), playing: false });
  return (
    <div className="row wrap" role="group" aria-label="Reverse-process player">
      {playing ? (
        <Button
          description="Pauses the particles where they are"
          onClick={() => useLab2dStore.setState({ playing: false })}
        >
          Pause
        </Button>
      ) : (
        <Button
          description="Plays the reverse process from here (from the start when at the end)"
          onClick={() =>
            useLab2dStore.setState({ playing: true, frame: frame >= frames - 1 ? 0 : frame })
          }
        >
          Play
        </Button>
      )}
      <Button
        description="One step back toward the noise"
        disabled={frame <= 0}
        onClick={() => go(frame - 1)}
      >
        ◀ Step back
      </Button>
      <Button
        description="One step forward toward the data"
        disabled={frame >= frames - 1}
        onClick={() => go(frame + 1)}
      >
        Step ▶
      </Button>
      <label title="Any recorded step: 0 is the starting noise">
        Step {frame} of {frames - 1}
        <input
          type="range"
          min={0}
          max={frames - 1}
          value={frame}
          aria-label="Scrub through the steps"
          data-testid="lab2d-scrub"
          onChange={(e) => go(Number(e.target.value))}
        />
      </label>
    </div>
  );
}

function exportPng(): void {
  const canvases = [
    ...document.querySelectorAll<HTMLCanvasElement>('[data-testid^="lab2d-traj-"]'),
  ];
  const out = document.createElement('canvas');
  out.width = canvases.length * SIZE;
  out.height = SIZE;
  const ctx = out.getContext('2d');
  canvases.forEach((c, k) => ctx?.drawImage(c, k * SIZE, 0));
  out.toBlob((blob) => {
    if (blob) downloadBlob(blob, 'lab2d-samples.png');
  }, 'image/png');
}

/** Sampling with DDPM, DDIM and flow matching from the same noise, with trails and exports. */
export function SampleCard() {
  const s = useLab2dStore();
  const set = (patch: Partial<SampleSettings2d>) =>
    useLab2dStore.setState({ sample: { ...s.sample, ...patch } });
  const trajectories = s.trajectories;
  const frames = trajectories?.[0]?.times.length ?? 0;
  const n = trajectories?.[0] ? trajectories[0].frames.length / 2 / frames : 0;
  const methods = runnableMethods();
  const labelled = s.points.classes > 1;
  const unguided =
    s.sample.source === 'learned' && s.sample.guideClass >= 0
      ? (['diffusion', 'flow'] as const).filter((f) => s.trained[f] && !s.trained[f].labelled)
      : [];
  return (
    <section className="card lab2d-wide" aria-labelledby="lab2d-sample-h">
      <h2 id="lab2d-sample-h">See the reverse process</h2>
      <Explainer id="lab2d-sample">
        <p>
          The same starting noise runs through three samplers, side by side. DDPM adds fresh noise
          at every step, so its paths are jagged; DDIM (η = 0) follows the same model
          deterministically, so its paths are smooth curves; flow matching integrates a velocity
          along nearly straight lines. Lines are the first {TRAILS} particles&apos; paths; faint
          dots are the training data.
        </p>
        <p>
          &quot;Exact denoiser&quot; samples with the ideal denoiser instead of the network: every
          particle lands on a training point — a perfect denoiser only memorises. Guidance pushes
          samples toward one label: u + s·(c − u), from the unlabelled and the labelled predictions.
        </p>
      </Explainer>
      <div className="row wrap">
        <Select<DenoiserSource>
          label="Denoiser"
          description="The trained network, or the exact (ideal) denoiser computed from the data points"
          value={s.sample.source}
          options={[
            ['learned', 'learned (the network)'],
            ['exact', 'exact (ideal denoiser)'],
          ]}
          onChange={(source) => set({ source })}
        />
        <NumberInput
          label="Steps"
          description="Reverse steps for every sampler (DDPM and DDIM use trailing spacing over T)"
          value={s.sample.steps}
          min={LAB2D_LIMITS.sampleSteps.min}
          max={LAB2D_LIMITS.sampleSteps.max}
          integer
          onChange={(steps) => set({ steps })}
        />
        <NumberInput
          label="Particles"
          description="How many samples to draw from the same noise for each sampler"
          value={s.sample.particles}
          min={LAB2D_LIMITS.particles.min}
          max={LAB2D_LIMITS.particles.max}
          integer
          onChange={(particles) => set({ particles })}
        />
        <Select<FlowSolver>
          label="Flow solver"
          description="Euler takes one velocity per step; Heun averages two, more accurate per step"
          value={s.sample.solver}
          options={[
            ['euler', 'Euler'],
            ['heun', 'Heun'],
          ]}
          onChange={(solver) => set({ solver })}
        />
        <Select
          label="Guide toward"
          description="A label to steer samples toward (needs a model trained with labels, or the exact denoiser)"
          value={String(s.sample.guideClass)}
          options={[
            ['-1', 'nothing (unguided)'],
            ...(labelled ? s.points.classNames.map((name, c) => [String(c), name] as const) : []),
          ]}
          onChange={(v) => set({ guideClass: Number(v) })}
        />
        <NumberInput
          label="Guidance scale"
          description="1 samples p(x | label); above 1 pushes further toward the label"
          value={s.sample.scale}
          min={LAB2D_LIMITS.scale.min}
          max={LAB2D_LIMITS.scale.max}
          step={0.5}
          onChange={(scale) => set({ scale })}
        />
        <NumberInput
          label="Seed"
          description="The starting noise; the same seed gives the same start for every sampler"
          value={s.sample.seed}
          min={LAB2D_LIMITS.seed.min}
          max={LAB2D_LIMITS.seed.max}
          integer
          onChange={(seed) => set({ seed })}
        />
        <Button
          primary
          description="Runs the samplers that have a model (all three with the exact denoiser) from the same noise"
          disabled={s.sampling || methods.length === 0}
          onClick={startSampling}
        >
          {s.sampling ? 'Sampling…' : 'Sample'}
        </Button>
      </div>
      {unguided.length > 0 && (
        <p className="muted" data-testid="lab2d-guidance-note">
          The {unguided.join(' and ')} model was trained without labels, so guidance does not change
          its samples: train with “Use labels” on to guide it.
        </p>
      )}
      {methods.length === 0 && (
        <p className="muted">Train a model above, or pick the exact denoiser, to sample.</p>
      )}
      {s.sampleError && (
        <p role="alert" className="field-error">
          {s.sampleError}
        </p>
      )}
      {trajectories && frames > 0 && (
        <>
          <Player frames={frames} />
          <div
            className="row wrap lab2d-pair"
            data-testid="lab2d-trajectories"
            data-source={s.sampledWith ?? ''}
          >
            {trajectories.map((t) => (
              <TrajectoryCanvas key={t.method} traj={t} frame={s.frame} />
            ))}
          </div>
          <div className="row wrap">
            <Button
              description="Saves the sampler panels as they are now, as one PNG"
              onClick={exportPng}
            >
              Save panels (PNG)
            </Button>
            <Button
              description="Saves every trail of every sampler as vector graphics (SVG)"
              onClick={() =>
                downloadBlob(
                  new Blob(
                    [
                      trailsSvg(
                        trajectories.map((t) => ({ title: TITLES[t.method], frames: t.frames })),
                        n,
                        TRAILS,
                      ),
                    ],
                    {
                      type: 'image/svg+xml',
                    },
                  ),
                  'lab2d-trails.svg',
                )
              }
            >
              Save trails (SVG)
            </Button>
            <Button
              description="Saves the final samples of each sampler as CSV rows method,x,y"
              onClick={() =>
                downloadBlob(
                  new Blob([samplesCsv(trajectories, n)], { type: 'text/csv' }),
                  'lab2d-samples.csv',
                )
              }
            >
              Save samples (CSV)
            </Button>
          </div>
        </>
      )}
    </section>
  );
}
