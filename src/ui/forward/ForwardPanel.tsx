import { Suspense } from 'react';
import { useAppStore } from '../../state/store';
import { fmt } from '../format';
import { IMAGE_SIZE } from '../../shared/protocol';
import { FrameCanvas } from '../components/FrameCanvas';
import { lazyPart } from '../components/lazy-part';
import { Explainer } from '../components/Explainer';
import { Term } from '../help/Term';
import { PartBoundary } from '../components/PartBoundary';
import { ExportButtons } from './ExportButtons';
import { LiveFormula } from './LiveFormula';
import { NoiseStrip } from './NoiseStrip';
import { ScheduleControls } from './ScheduleControls';
import { TimestepSlider } from './TimestepSlider';
import { X0Picker } from './X0Picker';
import { useForwardSchedule } from './use-forward-schedule';

const SCALE = 6;
// recharts is the largest part of the page bundle: load it after the first frames are up.
const ScheduleChart = lazyPart(() => import('./ScheduleChart'));

/** What the three canvases show, in words, for screen readers ("x_t of MNIST digit 7 at …"). */
function useCanvasLabels(): Record<'x0' | 'noise' | 'xt', string> {
  const T = useAppStore((s) => s.T);
  const t = useAppStore((s) => s.t);
  const source = useAppStore((s) => s.x0Source);
  const schedule = useForwardSchedule();
  const a = schedule.alphasCumprod[Math.min(t, T - 1)] ?? 1;
  const what =
    source?.kind === 'mnist'
      ? `MNIST digit ${source.label}`
      : source?.kind === 'drawn'
        ? 'your drawing'
        : source?.kind === 'upload'
          ? `“${source.name}”`
          : 'the digit';
  return {
    x0: `x₀: ${what}, clean`,
    noise: 'ε: the Gaussian noise added (fixed seed)',
    xt: `x_t of ${what} at t = ${t}: ${fmt(Math.sqrt(a), 2)} of the digit plus ${fmt(Math.sqrt(1 - a), 2)} of the noise`,
  };
}

function Panel({
  channel,
  title,
  testId,
  label,
}: {
  channel: 'x0' | 'noise' | 'xt';
  title: React.ReactNode;
  testId: string;
  label: string;
}) {
  return (
    <figure className="panel">
      <FrameCanvas
        channel={channel}
        scale={SCALE}
        width={IMAGE_SIZE}
        height={IMAGE_SIZE}
        label={label}
        testId={testId}
      />
      <figcaption>{title}</figcaption>
    </figure>
  );
}

/** Forward process: watch Gaussian noise swallow a digit as t grows. */
export function ForwardPanel() {
  const labels = useCanvasLabels();
  return (
    <main className="forward">
      <div className="col controls">
        <X0Picker />
        <ScheduleControls />
        <ExportButtons />
      </div>
      <div className="col view">
        <Explainer id="forward">
          <p>
            The <Term id="forward-process">forward process</Term> destroys a digit on purpose: at
            step t the image is <i>x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε</i>, a mix of the clean digit x₀ and
            Gaussian noise <Term id="noise">ε</Term>. The <Term id="beta">schedule</Term> sets how
            fast <Term id="alpha-bar">ᾱ_t</Term> (the share of signal, squared) falls from 1 toward
            0 as t goes to T−1. Drag t and watch the two weights below change; by the last step
            almost nothing of the digit is left — unless T is small or the schedule ends early,
            which the numbers show. A model is then trained to undo one step of this at a time.
          </p>
        </Explainer>
        <section className="card panels" aria-label="x0, noise and x_t">
          <Panel
            channel="x0"
            title={
              <>
                x<sub>0</sub>
              </>
            }
            testId="x0-canvas"
            label={labels.x0}
          />
          <span className="op">+</span>
          <Panel
            channel="noise"
            title="ε (fixed seed)"
            testId="noise-canvas"
            label={labels.noise}
          />
          <span className="op">→</span>
          <Panel
            channel="xt"
            title={
              <>
                x<sub>t</sub>
              </>
            }
            testId="xt-canvas"
            label={labels.xt}
          />
        </section>
        <TimestepSlider />
        <LiveFormula />
        <NoiseStrip />
        <PartBoundary name="the schedule charts">
          <Suspense fallback={<section className="card charts">Loading charts…</section>}>
            <ScheduleChart />
          </Suspense>
        </PartBoundary>
      </div>
    </main>
  );
}
