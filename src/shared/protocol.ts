/**
 * Messages between the page and the worker. Every job carries a runId (or requestId for one-shot
 * requests); the page bumps it when settings change and drops any reply that is not the newest.
 * Pixel payloads are grayscale uint8 (0 = black) whose buffers are transferred, not copied.
 */
import type { ScheduleKind } from '../ml/schedule';
import type { BackendDecision } from './backend-choice';
import type { CreateFromWorker, CreateToWorker } from './create-protocol';
import type { DataSetFromWorker, DataSetToWorker } from './dataset-protocol';
import type { QualityFromWorker, QualityToWorker } from './quality-protocol';
import type { SampleFromWorker, SampleToWorker } from './sample-protocol';
import type { TrainFromWorker, TrainToWorker } from './train-protocol';

export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export function isBackendName(value: string | null | undefined): value is BackendName {
  return value !== null && value !== undefined && (BACKENDS as readonly string[]).includes(value);
}

export interface BackendAttempt {
  readonly backend: BackendName;
  readonly ok: boolean;
  /** Why it was not used, in words a learner can act on ("no adapter", "self-check failed ..."). */
  readonly reason: string | null;
  readonly ms: number;
}

export interface ScheduleConfig {
  readonly kind: ScheduleKind;
  readonly T: number;
  /** Rescaled to zero terminal SNR (ml/schedule.ts); absent in files saved before it existed: off. */
  readonly zeroTerminalSnr?: boolean;
}

/** A grayscale image (or a horizontal strip of equally sized images). */
export interface GrayFrame {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

/**
 * Faults to inject, from the page URL (?fault=nan-loss@3,device-loss@1): they drive the real
 * recovery paths (NaN guard, lost WebGPU device) in end-to-end tests and demos.
 */
export interface Faults {
  /** This training step sees a NaN batch, so its loss is NaN (once). */
  readonly nanLossAtStep?: number;
  /** After this training step the WebGPU device is reported lost (once). */
  readonly deviceLossAtStep?: number;
  /** The worker has no IndexedDB, as in some private windows. */
  readonly noStorage?: boolean;
}

/** Parses ?fault=… (nan-loss@N, device-loss@N, no-storage); unknown entries are returned so the page can say so. */
export function parseFaults(value: string | null): { faults: Faults; unknown: string[] } {
  const faults: { nanLossAtStep?: number; deviceLossAtStep?: number; noStorage?: boolean } = {};
  const unknown: string[] = [];
  for (const item of (value ?? '').split(',').filter((s) => s.trim() !== '')) {
    if (item.trim() === 'no-storage') {
      faults.noStorage = true;
      continue;
    }
    const m = /^(nan-loss|device-loss)@(\d+)$/.exec(item.trim());
    const step = m ? Number(m[2]) : NaN;
    if (m?.[1] === 'nan-loss' && step >= 1) faults.nanLossAtStep = step;
    else if (m?.[1] === 'device-loss' && step >= 1) faults.deviceLossAtStep = step;
    else unknown.push(item);
  }
  return { faults, unknown };
}

/** Autosave on, or off with the reason a learner can act on. */
export type StorageStatus =
  | { readonly autosave: 'on'; readonly reason: null }
  | { readonly autosave: 'off'; readonly reason: string };

export type ToWorker =
  /** The page is being hidden or left: save what is unsaved. */
  | { readonly type: 'train/save-now' }
  /** Back to the shipped pretrained model (the learner confirmed discarding the current one). */
  | { readonly type: 'train/default'; readonly runId: number }
  | {
      readonly type: 'init';
      readonly forcedBackend: BackendName | null;
      /** The speed decision this browser made before; it stands while the browser and GPU do. */
      readonly rememberedBackend: BackendDecision | null;
      readonly faults: Faults;
    }
  /** The header's backend menu: one backend, or 'auto' to measure again and take the fastest. */
  | { readonly type: 'backend/choose'; readonly choice: BackendName | 'auto' }
  | {
      readonly type: 'data/pick';
      readonly requestId: number;
      /** null: a random class. */
      readonly label: number | null;
      /** null: a random digit of that class. */
      readonly index: number | null;
    }
  | {
      readonly type: 'image/decode';
      readonly requestId: number;
      readonly file: Blob;
      readonly name: string;
    }
  | {
      readonly type: 'forward/config';
      readonly runId: number;
      readonly x0: Uint8Array;
      readonly schedule: ScheduleConfig;
      readonly noiseSeed: number;
      readonly stripCount: number;
    }
  | { readonly type: 'forward/frame'; readonly runId: number; readonly t: number }
  | TrainToWorker
  | DataSetToWorker
  | SampleToWorker
  | CreateToWorker
  | QualityToWorker;

/** The backend the worker computes on, and how it was chosen. */
export interface BackendReady {
  readonly backend: BackendName;
  readonly forced: BackendName | null;
  readonly attempts: readonly BackendAttempt[];
  readonly ms: number;
  /** On wasm: the threads it computes on and, when one, why. */
  readonly wasmThreads?: { readonly threads: number; readonly note: string | null };
  /** Why this backend, with the figures; null when one was forced. */
  readonly decision: BackendDecision | null;
  readonly fromMemory: boolean;
}

export type FromWorker =
  /** Whether this tab autosaves, and why not. */
  | { readonly type: 'storage/status'; readonly status: StorageStatus }
  | { readonly type: 'backend/loading'; readonly attempts: readonly BackendAttempt[] }
  /** The speed probe is timing this backend. */
  | { readonly type: 'backend/measuring'; readonly backend: BackendName }
  | ({ readonly type: 'backend/ready' } & BackendReady)
  | { readonly type: 'backend/failed'; readonly attempts: readonly BackendAttempt[] }
  | { readonly type: 'backend/lost'; readonly backend: BackendName; readonly message: string }
  | {
      readonly type: 'data/ready';
      readonly count: number;
      readonly perClass: readonly number[];
      readonly ms: number;
    }
  | { readonly type: 'data/failed'; readonly message: string }
  | {
      readonly type: 'data/digit';
      readonly requestId: number;
      readonly label: number;
      readonly index: number;
      readonly pixels: Uint8Array;
    }
  | { readonly type: 'image/decoded'; readonly requestId: number; readonly pixels: Uint8Array }
  | { readonly type: 'request/failed'; readonly requestId: number; readonly message: string }
  | { readonly type: 'forward/noise'; readonly runId: number; readonly frame: GrayFrame }
  | {
      readonly type: 'forward/strip';
      readonly runId: number;
      readonly timesteps: readonly number[];
      readonly frame: GrayFrame;
    }
  | {
      readonly type: 'forward/frame';
      readonly runId: number;
      readonly t: number;
      readonly frame: GrayFrame;
    }
  | { readonly type: 'error'; readonly message: string }
  | TrainFromWorker
  | DataSetFromWorker
  | SampleFromWorker
  | CreateFromWorker
  | QualityFromWorker;

export type FromWorkerType = FromWorker['type'];
export type FromWorkerOf<K extends FromWorkerType> = Extract<FromWorker, { type: K }>;

export const IMAGE_SIZE = 28;
export const IMAGE_PIXELS = IMAGE_SIZE * IMAGE_SIZE;
export const STRIP_COUNT = 8;
export const STRIP_GAP = 2;
export const STRIP_WIDTH = STRIP_COUNT * IMAGE_SIZE + (STRIP_COUNT - 1) * STRIP_GAP;
