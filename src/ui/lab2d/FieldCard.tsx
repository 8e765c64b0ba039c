import { useEffect, useMemo, useRef, useState } from 'react';
import { requestField } from '../../client/lab2d-client';
import { useLab2dStore } from '../../state/lab2d-store';
import type { Family } from '../../shared/lab2d-protocol';
import { Explainer } from '../components/Explainer';
import { Check, Select } from './controls';
import { VIEW, arrowTails, clear, drawArrows, drawPoints } from './plot';

const SIZE = 300;
const GRID = 20;

function FieldCanvas({
  title,
  vectors,
  testId,
  empty,
}: {
  title: string;
  vectors: Float32Array | null;
  testId: string;
  empty: string;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  const points = useLab2dStore((s) => s.points);
  const tails = useMemo(() => arrowTails(GRID), []);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    clear(ctx, SIZE, false);
    drawPoints(ctx, SIZE, points.xy, points.labels, 1, 0.35);
    if (vectors)
      drawArrows(ctx, SIZE, tails, vectors, (0.9 * (VIEW.xMax - VIEW.xMin)) / GRID, '#222');
  }, [points, vectors, tails]);
  return (
    <figure className="lab2d-figure">
      <canvas
        ref={ref}
        width={SIZE}
        height={SIZE}
        role="img"
        aria-label={vectors ? `${title}: arrows over the data` : `${title}: ${empty}`}
        data-testid={testId}
        data-drawn={vectors ? 'yes' : 'no'}
      />
      <figcaption className="muted">{vectors ? title : `${title}: ${empty}`}</figcaption>
    </figure>
  );
}

/** The learned field beside the exact one at the slider's t. */
export function FieldCard() {
  const s = useLab2dStore();
  const [field, setField] = useState<{ learned: Float32Array | null; exact: Float32Array } | null>(
    null,
  );
  const tails = useMemo(() => arrowTails(GRID), []);
  const on = s.field === 'on';
  const time = s.fieldFamily === 'flow' ? Math.max(1, s.t + 1) / s.T : Math.min(s.t, s.T - 1);
  const trained = s.trained[s.fieldFamily];
  useEffect(() => {
    if (!on || s.points.labels.length < 2) return;
    let live = true;
    void requestField({
      family: s.fieldFamily,
      time,
      schedule: { kind: s.schedule, T: s.T },
      at: tails,
      guideClass: s.sample.guideClass,
      scale: s.sample.scale,
    }).then((r) => {
      if (r && live) setField(r);
    });
    return () => {
      live = false;
    };
  }, [
    on,
    s.points,
    s.fieldFamily,
    time,
    s.schedule,
    s.T,
    tails,
    trained,
    s.sample.guideClass,
    s.sample.scale,
  ]);
  const what = s.fieldFamily === 'flow' ? 'direction of travel −v' : 'score −ε̂/√(1−ᾱ)';
  return (
    <section className="card lab2d-wide" aria-labelledby="lab2d-field-h">
      <h2 id="lab2d-field-h">The learned field beside the exact one</h2>
      <Explainer id="lab2d-field">
        <p>
          Arrows show where the reverse process pushes a point at the slider&apos;s t. For diffusion
          it is the score ∇log p_t = −ε̂/√(1−ᾱ_t): uphill on the heatmap. For flow matching it is −v,
          the direction a point travels from noise toward data. Arrow lengths are scaled to fit.
        </p>
        <p>
          The exact field comes from the ideal denoiser: for a finite data set, the best possible
          prediction is the posterior mean E[x₀ | x_t], a softmax-weighted average of the data
          points. Near t = 0 it points at the single nearest training point — sampling with it
          reproduces the training set (memorisation). A network is smoother than that, and its
          samples fall between and around the points: it generalises.
        </p>
      </Explainer>
      <div className="row wrap">
        <Check
          label="Show fields"
          description="Computes the learned and the exact field at the slider's t"
          checked={on}
          onChange={(v) => useLab2dStore.setState({ field: v ? 'on' : 'off' })}
        />
        <Select<Family>
          label="Field of"
          description="The diffusion model's score, or the flow-matching model's velocity"
          value={s.fieldFamily}
          options={[
            ['diffusion', 'diffusion (score)'],
            ['flow', 'flow matching (velocity)'],
          ]}
          onChange={(fieldFamily) => useLab2dStore.setState({ fieldFamily })}
        />
        <span className="muted">
          {s.fieldFamily === 'flow' ? `flow t = ${time.toFixed(3)}` : `t = ${time}`} · {what}
          {s.sample.guideClass >= 0 ? ` · guided (scale ${s.sample.scale})` : ''}
        </span>
      </div>
      {on && (
        <div className="row wrap lab2d-pair">
          <FieldCanvas
            title="Learned"
            vectors={field?.learned ?? null}
            testId="lab2d-field-learned"
            empty={trained ? 'computing…' : 'train a model of this kind first'}
          />
          <FieldCanvas
            title="Exact (ideal denoiser)"
            vectors={field?.exact ?? null}
            testId="lab2d-field-exact"
            empty="computing…"
          />
        </div>
      )}
    </section>
  );
}
