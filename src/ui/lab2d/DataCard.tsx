import { useState, type DragEvent } from 'react';
import { setPoints } from '../../client/lab2d-client';
import { parsePointsCsv } from '../../ml/lab2d/csv';
import { PRESETS, PRESET_LABELS, isPresetName } from '../../ml/lab2d/datasets';
import { MAX_POINTS } from '../../ml/lab2d/points';
import { SCHEDULE_KINDS, T_MAX, T_MIN, type ScheduleKind } from '../../ml/schedule';
import { presetData, useLab2dStore, type Brush } from '../../state/lab2d-store';
import { Explainer } from '../components/Explainer';
import { downloadBlob } from '../export/download';
import { NumberInput } from '../components/NumberInput';
import { EMPTY_SET } from './brush';
import { Button, Check, Select } from './controls';
import { ForwardPlot } from './ForwardPlot';

async function loadCsv(file: File): Promise<void> {
  const result = parsePointsCsv(await file.text());
  if (!result.ok) {
    useLab2dStore.setState({ dataError: `${file.name}: ${result.message} Nothing was changed.` });
    return;
  }
  setPoints(result.set, file.name, result.note);
}

function savePlotPng(): void {
  const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="lab2d-plot"]');
  canvas?.toBlob((blob) => {
    if (blob) downloadBlob(blob, `lab2d-plot-t${useLab2dStore.getState().t}.png`);
  }, 'image/png');
}

/** The data (presets, brush, CSV) and the forward process on it. */
export function DataCard() {
  const s = useLab2dStore();
  const [dragging, setDragging] = useState(false);
  const presetValue = isPresetName(s.dataSource) ? s.dataSource : 'custom';
  const labelOptions = Array.from(
    { length: Math.min(10, s.points.classes + 1) },
    (_, c) => [String(c), s.points.classNames[c] ?? `new label ${c + 1}`] as const,
  );
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file) void loadCsv(file);
  };
  return (
    <section className="card" aria-labelledby="lab2d-data-h">
      <h2 id="lab2d-data-h">Data and the forward process</h2>
      <Explainer id="lab2d-data">
        <p>
          Each dot is one training point x₀ in the plane. Dragging t moves every dot along its own
          straight line toward its own fixed noise: x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε, with the same
          schedules and T as the image lab. The heatmap is the exact density of x_t: one small
          Gaussian around each shrunken data point, N(√ᾱ_t·x_i, (1−ᾱ_t)·I), averaged. At t = T−1 it
          is almost exactly the N(0, I) the reverse process starts from.
        </p>
      </Explainer>
      <div className="row wrap">
        <Select
          label="Data set"
          description="A preset data set of 2000 points; picking one replaces the current points"
          value={presetValue}
          options={[
            ...PRESETS.map((p) => [p, PRESET_LABELS[p]] as const),
            ['custom', `Your points (${s.dataSource})`] as const,
          ]}
          onChange={(v) => {
            if (isPresetName(v)) setPoints(presetData(v), v, null);
          }}
        />
        <Select<Brush>
          label="Brush"
          description="Draw adds points where you drag on the plot; erase removes the points under it"
          value={s.brush}
          options={[
            ['off', 'off'],
            ['draw', 'draw points'],
            ['erase', 'erase points'],
          ]}
          onChange={(brush) => useLab2dStore.setState({ brush, t: brush === 'off' ? s.t : 0 })}
        />
        <Select
          label="Brush label"
          description="The class that drawn points get (guidance can later steer samples toward one class)"
          value={String(Math.min(s.brushLabel, s.points.classes))}
          options={labelOptions}
          disabled={s.brush !== 'draw'}
          onChange={(v) => useLab2dStore.setState({ brushLabel: Number(v) })}
        />
        <Button
          description="Removes every point, to draw a data set from scratch"
          onClick={() => {
            setPoints(EMPTY_SET, 'drawn', 'No points: draw some with the brush.');
            useLab2dStore.setState({ brush: 'draw', brushLabel: 0, t: 0 });
          }}
        >
          Clear points
        </Button>
        <label title="A CSV file with lines x,y or x,y,label (up to 10000 points); you can also drop it on the plot">
          Load CSV
          <input
            type="file"
            accept=".csv,text/csv,text/plain"
            aria-label="Load points from a CSV file"
            title="Load points from a CSV file: x,y or x,y,label per line (a header line is allowed)"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void loadCsv(file);
              e.target.value = '';
            }}
          />
        </label>
      </div>
      {s.dataError && (
        <p role="alert" className="field-error" data-testid="lab2d-data-error">
          {s.dataError}
        </p>
      )}
      {s.dataNote && !s.dataError && (
        <p className="muted" data-testid="lab2d-data-note">
          {s.dataNote}
        </p>
      )}
      <div
        className={dragging ? 'lab2d-drop dragging' : 'lab2d-drop'}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <ForwardPlot />
      </div>
      <div className="row wrap">
        <Select<ScheduleKind>
          label="Schedule"
          description="How fast noise is added over t: the same schedules as the image lab"
          value={s.schedule}
          options={SCHEDULE_KINDS.map((k) => [k, k] as const)}
          onChange={(schedule) => useLab2dStore.setState({ schedule })}
        />
        <NumberInput
          label="T"
          ariaLabel="T (number of timesteps)"
          description="The number of diffusion timesteps; the slider runs over 0..T−1"
          value={s.T}
          min={T_MIN}
          max={T_MAX}
          integer
          onChange={(T) => useLab2dStore.setState({ T, t: Math.min(s.t, T - 1) })}
        />
        <label title="The timestep shown: 0 is the data, T−1 almost pure noise">
          t = {s.t}
          <input
            type="range"
            min={0}
            max={s.T - 1}
            value={s.t}
            aria-label="Timestep t"
            title="Move t to see the points noised by the forward process at that step"
            data-testid="lab2d-t"
            onChange={(e) => useLab2dStore.setState({ t: Number(e.target.value) })}
          />
        </label>
        <Check
          label="Exact density"
          description="Shades the plot by the exact density of x_t at this t"
          checked={s.showDensity}
          onChange={(showDensity) => useLab2dStore.setState({ showDensity })}
        />
        <Button description="Saves the plot as it is now as a PNG image" onClick={savePlotPng}>
          Save plot (PNG)
        </Button>
      </div>
      <p className="muted">
        {s.points.labels.length} of at most {MAX_POINTS} points
        {s.points.classes > 1 ? `, ${s.points.classes} labels` : ''}.
      </p>
    </section>
  );
}
