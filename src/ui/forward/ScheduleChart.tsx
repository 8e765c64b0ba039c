import { memo, useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { ScheduleKind } from '../../ml/schedule';
import { scheduleCurves, type CurvePoint } from '../../ml/schedule-curves';
import { useAppStore } from '../../state/store';
import { curveSummary } from '../chart-summaries';
import { ChartImage } from '../components/ChartImage';
import { fmt } from '../format';

const WIDTH = 380;
const HEIGHT = 210;
const MARGIN = { top: 8, right: 12, bottom: 4, left: 4 };
const Y_AXIS_WIDTH = 52;
const COLORS: Record<ScheduleKind, string> = {
  linear: '#2563eb',
  cosine: '#dc2626',
  'scaled-linear': '#059669',
  sigmoid: '#9333ea',
};

interface CurveProps {
  title: string;
  data: CurvePoint[];
  kinds: readonly ScheduleKind[];
  T: number;
  testId: string;
  /** The first kind is rescaled to zero terminal SNR. */
  zero: boolean;
}

// Memoised so dragging t never re-renders the SVG: the cursor is an overlay positioned by t.
const Curve = memo(function Curve({ title, data, kinds, T, testId, zero }: CurveProps) {
  const nameOf = (kind: ScheduleKind, i: number) =>
    i === 0 && zero ? `${kind}, zero terminal SNR` : kind;
  const summary = curveSummary(
    title,
    kinds.map((kind, i) => ({
      name: nameOf(kind, i),
      points: data.map((p) => ({ step: p.t, value: p[kind] ?? NaN })),
    })),
  );
  return (
    <ChartImage summary={summary}>
      <LineChart
        width={WIDTH}
        height={HEIGHT}
        data={data}
        margin={MARGIN}
        data-testid={testId}
        accessibilityLayer={false}
      >
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
        <XAxis dataKey="t" type="number" domain={[0, T - 1]} tickCount={6} />
        <YAxis width={Y_AXIS_WIDTH} tickFormatter={(v: number) => fmt(v, 2)} />
        <Tooltip formatter={(v) => fmt(Number(v))} labelFormatter={(t) => `t = ${String(t)}`} />
        <Legend verticalAlign="top" height={22} />
        {kinds.map((kind, i) => (
          <Line
            key={kind}
            dataKey={kind}
            name={`${title}: ${nameOf(kind, i)}`}
            stroke={COLORS[kind]}
            strokeWidth={i === 0 ? 2.5 : 1.5}
            strokeDasharray={i === 0 ? '0' : '5 4'}
            dot={false}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ChartImage>
  );
});

function Cursor({ t, T }: { t: number; T: number }) {
  const plotLeft = MARGIN.left + Y_AXIS_WIDTH;
  const plotWidth = WIDTH - plotLeft - MARGIN.right;
  const x = plotLeft + (T > 1 ? t / (T - 1) : 0) * plotWidth;
  return <div className="chart-cursor" style={{ left: x }} aria-hidden="true" />;
}

export default function ScheduleChart() {
  const kind = useAppStore((s) => s.scheduleKind);
  const compare = useAppStore((s) => s.compareKind);
  const T = useAppStore((s) => s.T);
  const t = useAppStore((s) => s.t);
  const zero = useAppStore((s) => s.zeroTerminalSnr);
  const kinds = useMemo(
    () => (compare && compare !== kind ? [kind, compare] : [kind]),
    [kind, compare],
  );
  const curves = useMemo(() => scheduleCurves(kinds, T, 200, zero), [kinds, T, zero]);

  return (
    <section className="card charts" aria-label="Schedule curves">
      <div className="chart">
        <h4>
          ᾱ<sub>t</sub> against t
        </h4>
        <Curve
          title="ᾱ"
          data={curves.alphaBar}
          kinds={kinds}
          T={T}
          testId="chart-alpha-bar"
          zero={zero}
        />
        <Cursor t={t} T={T} />
      </div>
      <div className="chart">
        <h4>
          log SNR = log(ᾱ<sub>t</sub>/(1 − ᾱ<sub>t</sub>)) against t
        </h4>
        <Curve
          title="log SNR"
          data={curves.logSnr}
          kinds={kinds}
          T={T}
          testId="chart-log-snr"
          zero={zero}
        />
        <Cursor t={t} T={T} />
      </div>
    </section>
  );
}
