import { useEffect, useState, useSyncExternalStore } from 'react';
import { Bar, BarChart, CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { lossSeries, smooth, throughputSeries, type Series } from '../../client/series';
import { useAppStore } from '../../state/store';
import { TIMESTEP_BUCKETS } from '../../shared/train-protocol';
import { fmt } from '../format';

const MAX_POINTS = 200;
const REDRAW_MS = 1000;

/** The series' points, re-read at most every REDRAW_MS however fast they arrive. */
function useThrottledSeries(series: Series): number {
  const revision = useSyncExternalStore(
    (cb) => series.subscribe(cb),
    () => series.revision,
  );
  const [shown, setShown] = useState(revision);
  useEffect(() => {
    const id = setTimeout(() => setShown(revision), REDRAW_MS);
    return () => clearTimeout(id);
  }, [revision]);
  return shown;
}

function LossChart() {
  const revision = useThrottledSeries(lossSeries);
  const [smoothing, setSmoothing] = useState(0.6);
  const raw = lossSeries.downsample(MAX_POINTS);
  const sm = smooth(raw, smoothing);
  const data = raw.map((p, i) => ({
    step: p.step,
    raw: Math.max(p.value, 1e-6),
    smooth: Math.max(sm[i]?.value ?? p.value, 1e-6),
  }));
  return (
    <div
      className="chart"
      data-testid="loss-chart"
      data-points={lossSeries.length}
      data-revision={revision}
    >
      <h4>Loss (MSE, log scale)</h4>
      <LineChart
        width={440}
        height={220}
        data={data}
        margin={{ top: 6, right: 12, bottom: 4, left: 4 }}
      >
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
        <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} tickCount={6} />
        <YAxis
          scale="log"
          domain={['auto', 'auto']}
          width={56}
          tickFormatter={(v: number) => fmt(v, 2)}
          allowDataOverflow
        />
        <Tooltip formatter={(v) => fmt(Number(v))} labelFormatter={(s) => `step ${String(s)}`} />
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
      <label>
        Smoothing
        <input
          type="range"
          min={0}
          max={0.99}
          step={0.01}
          value={smoothing}
          aria-label="Loss smoothing"
          onChange={(e) => setSmoothing(Number(e.target.value))}
        />
        {smoothing.toFixed(2)}
      </label>
    </div>
  );
}

function BucketChart() {
  // Follows the loss series' throttle so the bars redraw at the same slow pace.
  useThrottledSeries(lossSeries);
  const buckets = useAppStore.getState().trainStats?.bucketLoss;
  const T = useAppStore((s) => s.model?.settings.schedule.T ?? s.trainSettings.schedule.T);
  const data = Array.from({ length: TIMESTEP_BUCKETS }, (_, b) => ({
    bucket: `${Math.round((b * T) / TIMESTEP_BUCKETS)}–${Math.round(((b + 1) * T) / TIMESTEP_BUCKETS) - 1}`,
    loss: Number.isFinite(buckets?.[b]) ? buckets?.[b] : 0,
  }));
  return (
    <div className="chart" data-testid="bucket-chart">
      <h4>Loss by timestep t (recent steps)</h4>
      <BarChart
        width={440}
        height={220}
        data={data}
        margin={{ top: 6, right: 12, bottom: 4, left: 4 }}
      >
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
        <XAxis dataKey="bucket" interval={1} fontSize={11} />
        <YAxis width={56} tickFormatter={(v: number) => fmt(v, 2)} />
        <Tooltip formatter={(v) => fmt(Number(v))} />
        <Bar dataKey="loss" fill="#7c3aed" isAnimationActive={false} />
      </BarChart>
    </div>
  );
}

function ThroughputChart() {
  useThrottledSeries(throughputSeries);
  const data = throughputSeries
    .downsample(MAX_POINTS)
    .map((p) => ({ step: p.step, value: p.value }));
  return (
    <div className="chart" data-testid="throughput-chart">
      <h4>Throughput (steps/s)</h4>
      <LineChart
        width={440}
        height={220}
        data={data}
        margin={{ top: 6, right: 12, bottom: 4, left: 4 }}
      >
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
        <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} tickCount={6} />
        <YAxis width={56} tickFormatter={(v: number) => fmt(v, 2)} />
        <Tooltip formatter={(v) => fmt(Number(v))} labelFormatter={(s) => `step ${String(s)}`} />
        <Line
          dataKey="value"
          name="steps/s"
          stroke="#059669"
          dot={false}
          isAnimationActive={false}
        />
      </LineChart>
    </div>
  );
}

export default function TrainCharts() {
  return (
    <section className="card charts" aria-label="Training charts">
      <LossChart />
      <BucketChart />
      <ThroughputChart />
    </section>
  );
}
