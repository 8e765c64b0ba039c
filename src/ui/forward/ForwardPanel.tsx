import { Suspense } from 'react';
import { IMAGE_SIZE } from '../../shared/protocol';
import { FrameCanvas } from '../components/FrameCanvas';
import { lazyPart } from '../components/lazy-part';
import { PartBoundary } from '../components/PartBoundary';
import { ExportButtons } from './ExportButtons';
import { LiveFormula } from './LiveFormula';
import { NoiseStrip } from './NoiseStrip';
import { ScheduleControls } from './ScheduleControls';
import { TimestepSlider } from './TimestepSlider';
import { X0Picker } from './X0Picker';

const SCALE = 6;
// recharts is the largest part of the page bundle: load it after the first frames are up.
const ScheduleChart = lazyPart(() => import('./ScheduleChart'));

function Panel({
  channel,
  title,
  testId,
}: {
  channel: 'x0' | 'noise' | 'xt';
  title: React.ReactNode;
  testId: string;
}) {
  return (
    <figure className="panel">
      <FrameCanvas
        channel={channel}
        scale={SCALE}
        width={IMAGE_SIZE}
        height={IMAGE_SIZE}
        label={testId}
        testId={testId}
      />
      <figcaption>{title}</figcaption>
    </figure>
  );
}

/** Forward process: watch Gaussian noise swallow a digit as t grows. */
export function ForwardPanel() {
  return (
    <main className="forward">
      <div className="col controls">
        <X0Picker />
        <ScheduleControls />
        <ExportButtons />
      </div>
      <div className="col view">
        <section className="card panels" aria-label="x0, noise and x_t">
          <Panel
            channel="x0"
            title={
              <>
                x<sub>0</sub>
              </>
            }
            testId="x0-canvas"
          />
          <span className="op">+</span>
          <Panel channel="noise" title="ε (fixed seed)" testId="noise-canvas" />
          <span className="op">→</span>
          <Panel
            channel="xt"
            title={
              <>
                x<sub>t</sub>
              </>
            }
            testId="xt-canvas"
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
