/**
 * The Create tab's own state: which mode, its controls, the inpainting mask and the strengths
 * strip's results. The run itself (frames, play state) is the sampling player's, in store.ts.
 */
import { create } from 'zustand';
import { invertMask } from '../shared/masks';
import { IMAGE_PIXELS, type GrayFrame } from '../shared/protocol';

import {
  CREATE_DEFAULTS,
  type CreateMode,
  type InterpolationKind,
} from '../shared/create-link-fields';

export type { CreateMode, InterpolationKind };

export const STRIP_STRENGTHS = [0.2, 0.4, 0.6, 0.8, 1] as const;

interface CreateState {
  mode: CreateMode;
  strength: number;
  /** The strengths strip: one finished image per strength (null until it is done). */
  strip: readonly (GrayFrame | null)[];
  /** 1 where the model paints, 0 where the image is kept. */
  mask: Uint8Array;
  brushRadius: number;
  erasing: boolean;
  /** RePaint's jump length and resample count; null jump length: the paper's, scaled to the steps. */
  jumpLength: number | null;
  jumpCount: number;
  interpolation: InterpolationKind;
  seedB: number;
  classA: number;
  classB: number;
  frames: number;
  /** Columns of the run on the player (1 image, or the interpolation's frames in a row). */
  runColumns: number;
  /** The last run's kind, for the export's file names. */
  runKind: CreateMode | null;
  /** Why a run was not started (bad input), in words; null when fine. */
  message: string | null;
  set: (
    patch: Partial<Omit<CreateState, 'set' | 'invertMask' | 'clearMask' | 'setStripFrame'>>,
  ) => void;
  invertMask: () => void;
  clearMask: () => void;
  setStripFrame: (index: number, frame: GrayFrame) => void;
}

export const useCreateStore = create<CreateState>()((set) => ({
  ...CREATE_DEFAULTS,
  strip: [],
  mask: new Uint8Array(IMAGE_PIXELS),
  brushRadius: 2,
  erasing: false,
  jumpLength: null,
  runColumns: 1,
  runKind: null,
  message: null,
  set: (patch) => set(patch),
  invertMask: () => set((s) => ({ mask: invertMask(s.mask) })),
  clearMask: () => set({ mask: new Uint8Array(IMAGE_PIXELS) }),
  setStripFrame: (index, frame) =>
    set((s) => ({ strip: s.strip.map((f, k) => (k === index ? frame : f)) })),
}));
