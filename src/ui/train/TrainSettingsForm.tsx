import { isScheduleKind } from '../../ml/schedule';
import { useAppStore } from '../../state/store';
import { NumberInput } from '../components/NumberInput';
import { microBatchFor, stepMemoryBytes, stepPathFor } from '../../ml/train/memory';
import { DEFAULT_MEMORY_LIMIT_MB } from '../../shared/train-protocol';
import {
  SCHEDULE_FIELDS,
  TRAIN_FIELDS,
  type ChoiceSpec,
  type NumberKey,
  type NumberSpec,
} from '../../shared/train-settings-spec';
import { ZeroTerminalSnrField } from './ZeroTerminalSnrField';

/** A number setting as the spec describes it: label, range, description. */
function NumberField({ k }: { k: Exclude<NumberKey, 'qualityEvery'> }) {
  const spec: NumberSpec = TRAIN_FIELDS[k];
  const value = useAppStore((s) => s.trainSettings[k]);
  const set = useAppStore((s) => s.setTrainSettings);
  const disabled = useAppStore((s) => s.trainStatus === 'running');
  return (
    <NumberInput
      label={spec.label}
      min={spec.min}
      max={spec.max}
      {...(spec.step === undefined ? {} : { step: spec.step })}
      integer={spec.integer}
      description={spec.description}
      value={value ?? 0}
      disabled={disabled}
      onChange={(v) => set({ [k]: v })}
    />
  );
}

/** A choice setting as the spec describes it. */
function ChoiceField({
  k,
  ariaLabel,
}: {
  k: 'preset' | 'prediction' | 'lossWeighting';
  ariaLabel: string;
}) {
  const spec: ChoiceSpec = TRAIN_FIELDS[k];
  const value = useAppStore((s) => s.trainSettings[k]);
  const set = useAppStore((s) => s.setTrainSettings);
  const disabled = useAppStore((s) => s.trainStatus === 'running');
  return (
    <label title={spec.description}>
      {spec.label}
      <select
        value={value}
        disabled={disabled}
        aria-label={ariaLabel}
        aria-description={spec.description}
        onChange={(e) => set({ [k]: e.target.value })}
      >
        {spec.choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </label>
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
        label={TRAIN_FIELDS.memoryLimitMB.label}
        min={TRAIN_FIELDS.memoryLimitMB.min}
        max={TRAIN_FIELDS.memoryLimitMB.max}
        integer
        description={TRAIN_FIELDS.memoryLimitMB.description}
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
      <label title={TRAIN_FIELDS.qualityEvery.description}>
        Quality meter
        <select
          value={mode}
          disabled={running}
          aria-label="Quality meter"
          aria-description="Scores samples with the MNIST classifier while training, to show when digits become recognisable"
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
          label={TRAIN_FIELDS.qualityEvery.label}
          min={1}
          max={TRAIN_FIELDS.qualityEvery.max}
          integer
          description={TRAIN_FIELDS.qualityEvery.description}
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
  const flow = s.prediction === 'flow';
  return (
    <section className="card settings-grid" aria-label="Training settings">
      <ChoiceField k="preset" ariaLabel="Model preset" />
      <ChoiceField k="prediction" ariaLabel="Prediction target" />
      {flow && (
        <p className="muted span-all" data-testid="flow-note">
          Flow matching trains on the straight path x_τ = (1−τ)·x₀ + τ·ε with τ = (t+1)/T, so the
          schedule’s ᾱ is not used (only T, the number of time levels); sample it with Euler or
          Heun.
        </p>
      )}
      <label title={SCHEDULE_FIELDS.kind.description}>
        {SCHEDULE_FIELDS.kind.label}
        <select
          value={s.schedule.kind}
          disabled={running || flow}
          aria-label="Training schedule"
          aria-description={SCHEDULE_FIELDS.kind.description}
          onChange={(e) =>
            isScheduleKind(e.target.value) &&
            set({ schedule: { ...s.schedule, kind: e.target.value } })
          }
        >
          {SCHEDULE_FIELDS.kind.choices.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <NumberInput
        label={SCHEDULE_FIELDS.T.label}
        ariaLabel="Training T"
        min={SCHEDULE_FIELDS.T.min}
        max={SCHEDULE_FIELDS.T.max}
        integer
        description={SCHEDULE_FIELDS.T.description}
        value={s.schedule.T}
        disabled={running}
        onChange={(T) => set({ schedule: { ...s.schedule, T } })}
      />
      <ZeroTerminalSnrField />
      <NumberField k="batchSize" />
      <NumberField k="learningRate" />
      <NumberField k="warmupSteps" />
      <NumberField k="totalSteps" />
      <NumberField k="clipNorm" />
      <NumberField k="emaDecay" />
      <ChoiceField k="lossWeighting" ariaLabel="Loss weighting" />
      {s.lossWeighting === 'min-snr' && <NumberField k="snrGamma" />}
      <NumberField k="previewEvery" />
      <NumberField k="autosaveEvery" />
      <QualityEvery />
      <NumberField k="seed" />
      <MemoryLimit />
    </section>
  );
}
