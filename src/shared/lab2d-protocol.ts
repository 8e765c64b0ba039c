/**
 * Messages between the page and the 2-D lab's own worker (worker/lab2d-worker.ts). Requests carry
 * an `id`; replies echo it and the page drops any that is not the latest of its kind. Point
 * arrays travel as transferable Float32Array buffers.
 */
import type { Bounds, NoiseLevel } from '../ml/lab2d/mixture';
import type { Lab2dTrainSettings } from '../ml/lab2d/trainer';
import type { FlowSolver, Method } from '../ml/lab2d/reverse';
import type { ScheduleKind } from '../ml/schedule';

export interface ScheduleSpec {
  readonly kind: ScheduleKind;
  readonly T: number;
}

/** Plain-array form of a PointSet (ml/lab2d/points.ts), as it crosses to the worker. */
export interface PointsMessage {
  readonly xy: Float32Array;
  readonly labels: Uint8Array;
  readonly classes: number;
  readonly classNames: readonly string[];
}

/** Which trained model: one per family, so DDPM / DDIM and flow matching can run side by side. */
export type Family = 'diffusion' | 'flow';

export type DenoiserSource = 'learned' | 'exact';

export interface SampleRequest {
  readonly source: DenoiserSource;
  readonly methods: readonly Method[];
  readonly steps: number;
  readonly particles: number;
  readonly solver: FlowSolver;
  readonly seed: number;
  /** Class to guide toward, −1 for none. */
  readonly guideClass: number;
  readonly scale: number;
}

export type ToLab2d =
  | { readonly type: 'data'; readonly points: PointsMessage }
  | {
      readonly type: 'density';
      readonly id: number;
      readonly level: NoiseLevel;
      readonly bounds: Bounds;
      readonly w: number;
      readonly h: number;
    }
  | {
      readonly type: 'train';
      readonly id: number;
      readonly settings: Lab2dTrainSettings;
      readonly schedule: ScheduleSpec;
    }
  | { readonly type: 'train/stop'; readonly id: number }
  | {
      readonly type: 'sample';
      readonly id: number;
      readonly request: SampleRequest;
      readonly schedule: ScheduleSpec;
    }
  | {
      readonly type: 'field';
      readonly id: number;
      readonly family: Family;
      /** Diffusion t (an integer below T), or flow t ∈ (0, 1]. */
      readonly time: number;
      readonly schedule: ScheduleSpec;
      /** Arrow tails, interleaved x, y. */
      readonly at: Float32Array;
      readonly guideClass: number;
      readonly scale: number;
    };

export interface TrajectoryMessage {
  readonly method: Method;
  /** (steps + 1) frames of 2N coordinates. */
  readonly frames: Float32Array;
  readonly times: Float32Array;
}

export type FromLab2d =
  | { readonly type: 'backend'; readonly backend: string; readonly note: string }
  | { readonly type: 'density'; readonly id: number; readonly grid: Float32Array }
  | {
      readonly type: 'train/progress';
      readonly id: number;
      readonly step: number;
      /** Losses of the steps since the last progress message. */
      readonly losses: Float32Array;
      readonly seconds: number;
    }
  | {
      readonly type: 'train/done';
      readonly id: number;
      readonly family: Family;
      readonly step: number;
      readonly seconds: number;
      readonly stopped: boolean;
    }
  | {
      readonly type: 'samples';
      readonly id: number;
      readonly trajectories: readonly TrajectoryMessage[];
    }
  | {
      readonly type: 'field';
      readonly id: number;
      /** Arrow vectors per tail: the learned model's (null when none is trained) and the exact one. */
      readonly learned: Float32Array | null;
      readonly exact: Float32Array;
    }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };

export type FromLab2dType = FromLab2d['type'];
export type FromLab2dOf<K extends FromLab2dType> = Extract<FromLab2d, { type: K }>;

export function familyOf(objective: Lab2dTrainSettings['objective']): Family {
  return objective === 'flow' ? 'flow' : 'diffusion';
}
