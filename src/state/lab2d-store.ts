/**
 * The 2-D lab's state: its data, the forward view, training status and the recorded reverse
 * processes. Separate from the image lab's store; nothing here is shared with it.
 */
import { create } from 'zustand';
import { makePreset, type PresetName } from '../ml/lab2d/datasets';
import type { PointSet } from '../ml/lab2d/points';
import type { FlowSolver } from '../ml/lab2d/reverse';
import { DEFAULT_LAB2D_TRAIN, type Lab2dTrainSettings } from '../ml/lab2d/trainer';
import type { ScheduleKind } from '../ml/schedule';
import type { DenoiserSource, Family, TrajectoryMessage } from '../shared/lab2d-protocol';

export const PRESET_SIZE = 2000;

export type Brush = 'off' | 'draw' | 'erase';
export type FieldShow = 'off' | 'on';

export interface TrainedInfo {
  readonly objective: Lab2dTrainSettings['objective'];
  readonly steps: number;
  readonly seconds: number;
  /** Trained with labels: guidance can steer it. */
  readonly labelled: boolean;
}

export interface TrainingRun {
  readonly id: number;
  readonly family: Family;
  readonly step: number;
  readonly total: number;
  readonly seconds: number;
  readonly labelled: boolean;
}

export interface SampleSettings2d {
  readonly source: DenoiserSource;
  readonly steps: number;
  readonly particles: number;
  readonly solver: FlowSolver;
  readonly seed: number;
  readonly guideClass: number;
  readonly scale: number;
}

export interface Lab2dState {
  points: PointSet;
  /** What the data came from, in words ("Two moons", "drawn", "moons.csv"). */
  dataSource: string;
  dataNote: string | null;
  dataError: string | null;
  schedule: ScheduleKind;
  T: number;
  t: number;
  showDensity: boolean;
  field: FieldShow;
  fieldFamily: Family;
  brush: Brush;
  brushLabel: number;
  trainSettings: Lab2dTrainSettings;
  training: TrainingRun | null;
  losses: number[];
  trained: Record<Family, TrainedInfo | null>;
  trainError: string | null;
  backend: { readonly name: string; readonly note: string } | null;
  sample: SampleSettings2d;
  sampling: boolean;
  sampleError: string | null;
  trajectories: readonly TrajectoryMessage[] | null;
  /** The source the trajectories were sampled with, for the captions. */
  sampledWith: DenoiserSource | null;
  frame: number;
  playing: boolean;
  set: (patch: Partial<Lab2dState>) => void;
}

export const DEFAULT_SAMPLE_2D: SampleSettings2d = {
  source: 'learned',
  steps: 200,
  particles: 500,
  solver: 'euler',
  seed: 1,
  guideClass: -1,
  scale: 2,
};

export function presetData(name: PresetName): PointSet {
  return makePreset(name, PRESET_SIZE, 0);
}

export const useLab2dStore = create<Lab2dState>()((set) => ({
  points: presetData('two-moons'),
  dataSource: 'two-moons',
  dataNote: null,
  dataError: null,
  schedule: 'linear',
  T: 1000,
  t: 0,
  showDensity: true,
  field: 'off',
  fieldFamily: 'diffusion',
  brush: 'off',
  brushLabel: 0,
  trainSettings: DEFAULT_LAB2D_TRAIN,
  training: null,
  losses: [],
  trained: { diffusion: null, flow: null },
  trainError: null,
  backend: null,
  sample: DEFAULT_SAMPLE_2D,
  sampling: false,
  sampleError: null,
  trajectories: null,
  sampledWith: null,
  frame: 0,
  playing: false,
  set: (patch) => set(patch),
}));
