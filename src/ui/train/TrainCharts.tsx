import { useEffect, useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { lossSeries, smooth, throughputSeries, type Series } from '../../client/series';
import { useAppStore } from '../../state/store';
import { TIMESTEP_BUCKETS } from '../../shared/train-protocol';
import { roundTicks } from '../axis-ticks';
import { accuracySummary, bucketSummary, lossSummary, throughputSummary } from '../chart-summaries';
import { ChartImage } from '../components/ChartImage';
import { fmt, formatDuration } from '../format';

const MAX_POINTS = 80;
/** Each chart redraws every PERIOD_MS, the three a third of a period apart: one chart per task. */
const PERIOD_MS = 1500;

/**
 * The series' revision, re-read every PERIOD_MS starting `phase` thirds of a period late, and
 * only when it changed: new points reach the chart at its own pace, one chart per task.
 */
function useThrottledSeries(series: Series, phase: number): number {
  const [shown, setShown] = useState(series.revision);
  useEffect(() => {
    let interval: ReturnType<typeof setInterval> | undefined;
    const start = setTimeout(
      () => {
        interval = setInterval(() => setShown(series.revision), PERIOD_MS);
      },
      (phase * PERIOD_MS) / 3,
    );
    return () => {
      clearTimeout(start);
      clearInterval(interval);
    };
  }, [series, phase]);
  return shown;
}

// Props as constants: recharts' memoised selectors compare by reference, so a fresh object or
// function on each redraw would make them recompute the whole layout.
const MARGIN = { top: 6, right: 12, bottom: 4, left: 4 };
const STEP_DOMAIN = ['dataMin', 'dataMax'];
const AUTO_DOMAIN = ['auto', 'auto'];
const tick = (v: number) => fmt(v, 2);
// Log-scale ticks of a loss that barely moves (0.99, 1.00, 1.01) need a third digit to differ.
const lossTick = (v: number) => fmt(v, 3);
const tooltipValue = (v: unknown) => fmt(Number(v));
const tooltipStep = (s: unknown) => `step ${String(s)}`;
/**
 * Round, whole ticks for a step axis, the same array while the range stays: a new array on each
 * redraw would make recharts lay the whole chart out again (see MARGIN).
 */
function useStepTicks(data: readonly { step: number }[]): number[] {
  const first = data[0]?.step ?? NaN;
  const last = data[data.length - 1]?.step ?? NaN;
  return useMemo(() => roundTicks(first, last, 5, true), [first, last]);
}

/** Over a chart with nothing to draw yet: empty axes alone read as "broken". */
function Empty({ children }: { children: string }) {
  return <p className="chart-empty">{children}</p>;
}

function LossChart() {
  const revision = useThrottledSeries(lossSeries, 0);
  const [smoothing, setSmoothing] = useState(0.6);
  const raw = lossSeries.downsample(MAX_POINTS);
  const sm = smooth(raw, smoothing);
  const data = raw.map((p, i) => ({
    step: p.step,
    raw: Math.max(p.value, 1e-6),
    smooth: Math.max(sm[i]?.value ?? p.value, 1e-6),
  }));
  const ticks = useStepTicks(data);
  return (
    <div
      className="chart"
      data-testid="loss-chart"
      data-points={lossSeries.length}
      data-revision={revision}
    >
      <h4>Loss (MSE, log scale)</h4>
      {data.length === 0 && <Empty>The loss of each step appears here once training runs.</Empty>}
      <ChartImage summary={lossSummary(lossSeries.all)}>
        <LineChart width={440} height={220} data={data} margin={MARGIN} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
          <XAxis dataKey="step" type="number" domain={STEP_DOMAIN} ticks={ticks} />
          <YAxis
            scale="log"
            domain={AUTO_DOMAIN}
            width={56}
            tickFormatter={lossTick}
            allowDataOverflow
          />
          <Tooltip formatter={tooltipValue} labelFormatter={tooltipStep} />
          <Line dataKey="raw" name="loss" stroke="#93c5fd" dot={false} isAnimationActive={false} />
          <Line
            dataKey="smooth"
            name="smoothed"
            stroke="#1d4ed8"
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ChartImage>
      <label>
        Smoothing
        <input
          type="range"
          min={0}
          max={0.99}
          step={0.01}
          value={smoothing}
          aria-label="Loss smoothing"
          title="How much the dark line averages the loss over recent steps (exponential smoothing)"
          onChange={(e) => setSmoothing(Number(e.target.value))}
        />
        {smoothing.toFixed(2)}
      </label>
    </div>
  );
}

function BucketChart() {
  // Redraws on the loss series' changes, a third of a period after the loss chart.
  useThrottledSeries(lossSeries, 1);
  const buckets = useAppStore.getState().trainStats?.bucketLoss;
  const T = useAppStore((s) => s.model?.settings.schedule.T ?? s.trainSettings.schedule.T);
  const data = Array.from({ length: TIMESTEP_BUCKETS }, (_, b) => ({
    bucket: `${Math.round((b * T) / TIMESTEP_BUCKETS)}–${Math.round(((b + 1) * T) / TIMESTEP_BUCKETS) - 1}`,
    loss: Number.isFinite(buckets?.[b]) ? buckets?.[b] : 0,
  }));
  const filled = (buckets ?? []).filter(Number.isFinite).length;
  return (
    <div className="chart" data-testid="bucket-chart" data-points={filled}>
      <h4>Loss by timestep t (recent steps)</h4>
      {!buckets && <Empty>The mean loss per range of t appears here once training runs.</Empty>}
      <ChartImage
        summary={bucketSummary(
          buckets,
          data.map((d) => d.bucket),
        )}
      >
        <BarChart width={440} height={220} data={data} margin={MARGIN} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
          <XAxis dataKey="bucket" interval={1} fontSize={11} />
          <YAxis width={56} tickFormatter={tick} />
          <Tooltip formatter={tooltipValue} />
          <Bar dataKey="loss" fill="#7c3aed" isAnimationActive={false} />
        </BarChart>
      </ChartImage>
    </div>
  );
}

function ThroughputChart() {
  useThrottledSeries(throughputSeries, 2);
  const data = throughputSeries
    .downsample(MAX_POINTS)
    .map((p) => ({ step: p.step, value: p.value }));
  const ticks = useStepTicks(data);
  return (
    <div className="chart" data-testid="throughput-chart" data-points={throughputSeries.length}>
      <h4>Throughput (steps/s)</h4>
      {data.length === 0 && <Empty>Steps per second appear here once training runs.</Empty>}
      <ChartImage summary={throughputSummary(throughputSeries.all)}>
        <LineChart width={440} height={220} data={data} margin={MARGIN} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
          <XAxis dataKey="step" type="number" domain={STEP_DOMAIN} ticks={ticks} />
          <YAxis width={56} tickFormatter={tick} />
          <Tooltip formatter={tooltipValue} labelFormatter={tooltipStep} />
          <Line
            dataKey="value"
            name="steps/s"
            stroke="#059669"
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ChartImage>
    </div>
  );
}

const PERCENT_DOMAIN = [0, 100];
const PERCENT_TICKS = [0, 20, 40, 60, 80, 100];
const percentTick = (v: number) => `${v}%`;
const tooltipPercent = (v: unknown) => `${fmt(Number(v), 3)}%`;
const tooltipMinutes = (m: unknown) => `after ${formatDuration(Number(m) * 60_000)} of training`;

/** Class accuracy of the quality meter's samples against training time (scoring not counted). */
function AccuracyChart() {
  const points = useAppStore((s) => s.trainQuality);
  const meterOff = useAppStore((s) => (s.trainSettings.qualityEvery ?? 0) === 0);
  const data = points
    .filter((p) => p.classAccuracy !== null)
    .map((p) => ({ minutes: p.elapsedMs / 60_000, accuracy: (p.classAccuracy ?? 0) * 100 }));
  return (
    <div className="chart" data-testid="accuracy-chart" data-points={data.length}>
      <h4>Digits read as asked (class accuracy) against training time</h4>
      {data.length === 0 && (
        <Empty>
          {meterOff
            ? 'The quality meter is off (Training settings): turn it on to chart class accuracy here.'
            : "The quality meter's class accuracy appears here as training runs."}
        </Empty>
      )}
      <ChartImage
        summary={accuracySummary(
          points
            .filter((p) => p.classAccuracy !== null)
            .map((p) => ({ step: p.elapsedMs, value: p.classAccuracy ?? 0 })),
        )}
      >
        <LineChart width={440} height={220} data={data} margin={MARGIN} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
          <XAxis
            dataKey="minutes"
            type="number"
            domain={STEP_DOMAIN}
            tickFormatter={minutesTick}
            unit=" min"
          />
          <YAxis
            width={56}
            domain={PERCENT_DOMAIN}
            ticks={PERCENT_TICKS}
            tickFormatter={percentTick}
          />
          <Tooltip formatter={tooltipPercent} labelFormatter={tooltipMinutes} />
          <Line
            dataKey="accuracy"
            name="class accuracy"
            stroke="#b45309"
            strokeWidth={2}
            isAnimationActive={false}
          />
        </LineChart>
      </ChartImage>
    </div>
  );
}

const minutesTick = (m: number) => fmt(m, 2);

export default function TrainCharts() {
  return (
    <section className="card charts" aria-label="Training charts">
      <LossChart />
      <BucketChart />
      <ThroughputChart />
      <AccuracyChart />
    </section>
  );
}
