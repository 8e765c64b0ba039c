/**
 * The one zustand store: status, settings and summaries. High-rate data (frames) never lands
 * here; see client/frame-bus.ts.
 */
import { create, type StateCreator } from 'zustand';
import type { BackendAttempt, BackendName, BackendReady, StorageStatus } from '../shared/protocol';
import { deterministicSampler, samplerRefusal } from '../ml/prediction';
import { T_MAX, T_MIN, type ScheduleKind } from '../ml/schedule';
import { DEFAULT_SAMPLE_SETTINGS, type SampleSettings } from '../shared/sample-protocol';
import {
  DEFAULT_TRAIN_SETTINGS,
  type ModelSummary,
  type TrainProgressStats,
  type TrainQualityPoint,
  type TrainSettings,
  type TrainStatus,
} from '../shared/train-protocol';

export type BackendState =
  | {
      readonly status: 'loading';
      readonly attempts: readonly BackendAttempt[];
      /** The speed probe is timing this backend. */
      readonly measuring?: BackendName;
    }
  | ({ readonly status: 'ready' } & BackendReady)
  | { readonly status: 'failed'; readonly attempts: readonly BackendAttempt[] };

export type DataState =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly count: number; readonly perClass: readonly number[] }
  | { readonly status: 'failed'; readonly message: string };

export type X0Source =
  | { readonly kind: 'mnist'; readonly label: number; readonly index: number }
  | { readonly kind: 'drawn' }
  | { readonly kind: 'upload'; readonly name: string };

interface SystemSlice {
  backend: BackendState;
  /** Whether this tab autosaves (off without IndexedDB, or while another tab owns it). */
  storage: StorageStatus;
  setStorage: (storage: StorageStatus) => void;
  data: DataState;
  /** The latest problem worth telling the learner about; the app keeps working. */
  notice: { readonly kind: 'error' | 'info'; readonly text: string } | null;
  setBackend: (backend: BackendState) => void;
  setData: (data: DataState) => void;
  notify: (kind: 'error' | 'info', text: string) => void;
  dismissNotice: () => void;
}

interface ForwardSlice {
  scheduleKind: ScheduleKind;
  compareKind: ScheduleKind | null;
  T: number;
  /** The forward tab's schedule is rescaled to zero terminal SNR (ml/schedule.ts). */
  zeroTerminalSnr: boolean;
  t: number;
  noiseSeed: number;
  x0: Uint8Array | null;
  x0Source: X0Source | null;
  setScheduleKind: (kind: ScheduleKind) => void;
  setCompareKind: (kind: ScheduleKind | null) => void;
  setT: (T: number) => void;
  setZeroTerminalSnr: (on: boolean) => void;
  setTimestep: (t: number) => void;
  stepTimestep: (delta: number) => void;
  setNoiseSeed: (seed: number) => void;
  setX0: (x0: Uint8Array, source: X0Source) => void;
}

export type TrainStats = TrainProgressStats;

interface TrainSlice {
  /** The form's values; applied when training starts. */
  trainSettings: TrainSettings;
  trainStatus: TrainStatus;
  model: ModelSummary | null;
  trainMessage: string | null;
  trainStats: TrainStats | null;
  previewStep: number | null;
  /** Quality meter figures measured during this model's training runs (settings.qualityEvery). */
  trainQuality: readonly TrainQualityPoint[];
  setTrainSettings: (patch: Partial<TrainSettings>) => void;
  setTrainStatus: (status: TrainStatus, model: ModelSummary | null, message: string | null) => void;
  setTrainStats: (stats: TrainStats | null) => void;
  setPreviewStep: (step: number | null) => void;
  addTrainQuality: (point: TrainQualityPoint | null) => void;
}

export interface SampleView {
  readonly index: number;
  readonly total: number;
  readonly t: number;
  readonly prevT: number;
  readonly elapsedMs: number;
}

interface SampleSlice {
  sampleSettings: SampleSettings;
  sampleState: 'idle' | 'playing' | 'paused' | 'done' | 'cancelled';
  sampleMessage: string | null;
  /** Frames recorded so far in this run, and which one is on screen. */
  recorded: number;
  viewIndex: number;
  view: SampleView | null;
  speedMs: number;
  compareResults:
    readonly { readonly side: 'a' | 'b'; readonly steps: number; readonly wallMs: number }[] | null;
  setSampleSettings: (patch: Partial<SampleSettings>) => void;
  setSampleState: (state: SampleSlice['sampleState'], message?: string | null) => void;
  setRecorded: (recorded: number, viewIndex: number, view: SampleView | null) => void;
  setSpeedMs: (speedMs: number) => void;
  setCompareResults: (results: SampleSlice['compareResults']) => void;
  /** A Compare run in progress: which side and how far (null: none running). */
  compareProgress: {
    readonly side: 'a' | 'b';
    readonly step: number;
    readonly total: number;
  } | null;
  setCompareProgress: (progress: SampleSlice['compareProgress']) => void;
}

export type AppState = SystemSlice & ForwardSlice & TrainSlice & SampleSlice;

export const DEFAULT_T = 1000;
export const DEFAULT_SEED = 1;

const clampInt = (value: number, lo: number, hi: number) =>
  Math.min(hi, Math.max(lo, Math.round(Number.isFinite(value) ? value : lo)));

const systemSlice: StateCreator<AppState, [], [], SystemSlice> = (set) => ({
  backend: { status: 'loading', attempts: [] },
  storage: { autosave: 'on', reason: null },
  setStorage: (storage) => set({ storage }),
  data: { status: 'loading' },
  notice: null,
  setBackend: (backend) => set({ backend }),
  setData: (data) => set({ data }),
  notify: (kind, text) => set({ notice: { kind, text } }),
  dismissNotice: () => set({ notice: null }),
});

/** Until a model exists, training uses the schedule the learner is exploring in the forward panel. */
function followForward(s: AppState, schedule: TrainSettings['schedule']): Partial<AppState> {
  return s.trainStatus === 'empty' ? { trainSettings: { ...s.trainSettings, schedule } } : {};
}

const forwardSlice: StateCreator<AppState, [], [], ForwardSlice> = (set) => ({
  scheduleKind: 'linear',
  compareKind: 'cosine',
  T: DEFAULT_T,
  zeroTerminalSnr: false,
  t: Math.floor(DEFAULT_T / 2),
  noiseSeed: DEFAULT_SEED,
  x0: null,
  x0Source: null,
  setScheduleKind: (scheduleKind) =>
    set((s) => ({
      scheduleKind,
      ...followForward(s, { kind: scheduleKind, T: s.T, zeroTerminalSnr: s.zeroTerminalSnr }),
    })),
  setCompareKind: (compareKind) => set({ compareKind }),
  // Keep t at the same fraction of the way through the process when T changes.
  setT: (value) =>
    set((s) => {
      const T = clampInt(value, T_MIN, T_MAX);
      const t = clampInt((s.t / Math.max(1, s.T - 1)) * (T - 1), 0, T - 1);
      return {
        T,
        t,
        ...followForward(s, { kind: s.scheduleKind, T, zeroTerminalSnr: s.zeroTerminalSnr }),
      };
    }),
  setZeroTerminalSnr: (zeroTerminalSnr) =>
    set((s) => ({
      zeroTerminalSnr,
      ...followForward(s, { kind: s.scheduleKind, T: s.T, zeroTerminalSnr }),
    })),
  setTimestep: (t) => set((s) => ({ t: clampInt(t, 0, s.T - 1) })),
  stepTimestep: (delta) => set((s) => ({ t: clampInt(s.t + delta, 0, s.T - 1) })),
  setNoiseSeed: (noiseSeed) => set({ noiseSeed }),
  setX0: (x0, x0Source) => set({ x0, x0Source }),
});

const trainSlice: StateCreator<AppState, [], [], TrainSlice> = (set) => ({
  trainSettings: DEFAULT_TRAIN_SETTINGS,
  trainStatus: 'empty',
  model: null,
  trainMessage: null,
  trainStats: null,
  previewStep: null,
  trainQuality: [],
  setTrainSettings: (patch) => set((s) => ({ trainSettings: { ...s.trainSettings, ...patch } })),
  setTrainStatus: (trainStatus, model, trainMessage) =>
    set((s) => ({
      trainStatus,
      model,
      trainMessage,
      // A restored or loaded model brings its own settings into the form.
      trainSettings: model && trainStatus !== 'running' ? model.settings : s.trainSettings,
      // A sampler that cannot sample this model (DDIM on a flow-matching one, Euler on an ε one)
      // gives way to the model's own deterministic sampler; a fitting choice is kept.
      sampleSettings:
        model && samplerRefusal(model.settings.prediction, s.sampleSettings.sampler) !== null
          ? { ...s.sampleSettings, sampler: deterministicSampler(model.settings.prediction) }
          : s.sampleSettings,
    })),
  setTrainStats: (trainStats) => set({ trainStats }),
  setPreviewStep: (previewStep) => set({ previewStep }),
  // null: another model, so the list starts again.
  addTrainQuality: (point) =>
    set((s) => ({ trainQuality: point ? [...s.trainQuality, point] : [] })),
});

const sampleSlice: StateCreator<AppState, [], [], SampleSlice> = (set) => ({
  sampleSettings: DEFAULT_SAMPLE_SETTINGS,
  sampleState: 'idle',
  sampleMessage: null,
  recorded: 0,
  viewIndex: -1,
  view: null,
  speedMs: 0,
  compareResults: null,
  setSampleSettings: (patch) => set((s) => ({ sampleSettings: { ...s.sampleSettings, ...patch } })),
  setSampleState: (sampleState, message = null) => set({ sampleState, sampleMessage: message }),
  setRecorded: (recorded, viewIndex, view) => set({ recorded, viewIndex, view }),
  setSpeedMs: (speedMs) => set({ speedMs }),
  setCompareResults: (compareResults) => set({ compareResults }),
  compareProgress: null,
  setCompareProgress: (compareProgress) => set({ compareProgress }),
});

export const useAppStore = create<AppState>()((...a) => ({
  ...systemSlice(...a),
  ...forwardSlice(...a),
  ...trainSlice(...a),
  ...sampleSlice(...a),
}));
