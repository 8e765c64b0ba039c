import { SCHEDULE_KINDS, T_MAX, T_MIN, isScheduleKind } from '../../ml/schedule';
import { useAppStore } from '../../state/store';
import { NumberInput } from '../components/NumberInput';
import { microBatchFor, stepMemoryBytes, stepPathFor } from '../../ml/train/memory';
import {
  DEFAULT_MEMORY_LIMIT_MB,
  PREDICTIONS,
  TRAIN_PRESETS,
  type TrainSettings,
} from '../../shared/train-protocol';

type NumberKey = {
  [K in keyof TrainSettings]-?: NonNullable<TrainSettings[K]> extends number ? K : never;
}[keyof TrainSettings];

function NumberField(props: {
  k: NumberKey;
  label: string;
  min: number;
  max: number;
  step?: number;
}) {
  const value = useAppStore((s) => s.trainSettings[props.k]);
  const set = useAppStore((s) => s.setTrainSettings);
  const disabled = useAppStore((s) => s.trainStatus === 'running');
  return (
    <NumberInput
      {...props}
      value={value ?? 0}
      disabled={disabled}
      onChange={(v) => set({ [props.k]: v })}
    />
  );
}

/** The memory limit, and how the batch is split to stay within it. */
function MemoryLimit() {
  const s = useAppStore((st) => st.trainSettings);
  const set = useAppStore((st) => st.setTrainSettings);
  const running = useAppStore((st) => st.trainStatus === 'running');
  // The worker's backend sets how much a step keeps (webgl keeps the most).
  const path = useAppStore((st) =>
    stepPathFor(st.backend.status === 'ready' ? st.backend.backend : null),
  );
  const limit = s.memoryLimitMB ?? DEFAULT_MEMORY_LIMIT_MB;
  const micro = microBatchFor(s.preset, s.batchSize, limit, path);
  const passes = Math.ceil(s.batchSize / micro);
  const mb = Math.round(stepMemoryBytes(s.preset, micro, path) / 1e6);
  return (
    <>
      <NumberInput
        label="Memory limit (MB)"
        min={64}
        max={16_384}
        value={limit}
        disabled={running}
        onChange={(v) => set({ memoryLimitMB: v })}
      />
      <p className="muted span-all" data-testid="micro-batch">
        {passes === 1
          ? `One pass of ${s.batchSize} per step (≈${mb} MB of tensors).`
          : `Each step runs ${passes} passes of ≤ ${micro} and sums their gradients: the same update in ≈${mb} MB of tensors.`}
      </p>
    </>
  );
}

/** The quality meter during training: auto (a share of the time), every N steps, or never. */
function QualityEvery() {
  const every = useAppStore((st) => st.trainSettings.qualityEvery ?? 0);
  const set = useAppStore((st) => st.setTrainSettings);
  const running = useAppStore((st) => st.trainStatus === 'running');
  const mode = every === 'auto' ? 'auto' : every > 0 ? 'steps' : 'off';
  return (
    <>
      <label>
        Quality meter
        <select
          value={mode}
          disabled={running}
          aria-label="Quality meter"
          title="Scores samples with the MNIST classifier while training, to show when digits become recognisable"
          onChange={(e) =>
            set({
              qualityEvery:
                e.target.value === 'auto' ? 'auto' : e.target.value === 'steps' ? 500 : 0,
            })
          }
        >
          <option value="auto">auto (≤ 10 % of the time)</option>
          <option value="steps">every N steps</option>
          <option value="off">off</option>
        </select>
      </label>
      {mode === 'steps' && typeof every === 'number' && (
        <NumberInput
          label="Quality every"
          min={1}
          max={100_000}
          value={every}
          disabled={running}
          onChange={(v) => set({ qualityEvery: v })}
        />
      )}
    </>
  );
}

/** Model and optimiser settings; the schedule defaults to the one chosen in the forward panel. */
export function TrainSettingsForm() {
  const s = useAppStore((st) => st.trainSettings);
  const set = useAppStore((st) => st.setTrainSettings);
  const running = useAppStore((st) => st.trainStatus === 'running');
  return (
    <section className="card settings-grid" aria-label="Training settings">
      <label>
        Model
        <select
          value={s.preset}
          disabled={running}
          aria-label="Model preset"
          onChange={(e) => set({ preset: e.target.value as TrainSettings['preset'] })}
        >
          {TRAIN_PRESETS.map((p) => (
            <option key={p} value={p}>
              {p === 'tiny' ? 'tiny UNet (≈0.34M params)' : 'small UNet (≈1.1M params)'}
            </option>
          ))}
        </select>
      </label>
      <label>
        Predicts
        <select
          value={s.prediction}
          disabled={running}
          aria-label="Prediction target"
          onChange={(e) => set({ prediction: e.target.value as TrainSettings['prediction'] })}
        >
          {PREDICTIONS.map((p) => (
            <option key={p} value={p}>
              {p === 'epsilon' ? 'ε (noise)' : p === 'v' ? 'v (velocity)' : 'x₀ (clean image)'}
            </option>
          ))}
        </select>
      </label>
      <label>
        Schedule
        <select
          value={s.schedule.kind}
          disabled={running}
          aria-label="Training schedule"
          onChange={(e) =>
            isScheduleKind(e.target.value) &&
            set({ schedule: { ...s.schedule, kind: e.target.value } })
          }
        >
          {SCHEDULE_KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </label>
      <label>
        T
        <input
          type="number"
          min={T_MIN}
          max={T_MAX}
          value={s.schedule.T}
          disabled={running}
          aria-label="Training T"
          onChange={(e) => {
            const T = Math.round(Number(e.target.value));
            if (T >= T_MIN && T <= T_MAX) set({ schedule: { ...s.schedule, T } });
          }}
        />
      </label>
      <NumberField k="batchSize" label="Batch" min={1} max={256} />
      <NumberField k="learningRate" label="Learning rate" min={1e-6} max={1e-1} step={1e-4} />
      <NumberField k="warmupSteps" label="Warmup steps" min={0} max={100_000} />
      <NumberField k="totalSteps" label="Steps" min={1} max={1_000_000} />
      <NumberField k="clipNorm" label="Clip grad norm" min={0} max={100} step={0.1} />
      <NumberField k="emaDecay" label="EMA decay" min={0} max={0.9999} step={0.001} />
      <NumberField k="previewEvery" label="Preview every" min={0} max={100_000} />
      <NumberField k="autosaveEvery" label="Autosave every" min={0} max={100_000} />
      <QualityEvery />
      <NumberField k="seed" label="Seed" min={0} max={2 ** 31 - 1} />
      <MemoryLimit />
    </section>
  );
}
