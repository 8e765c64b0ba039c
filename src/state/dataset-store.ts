/** The data set in use (the shipped digits or the learner's own) and the ones stored here. */
import { create } from 'zustand';
import type { DataSetInfo } from '../shared/dataset-protocol';

interface DataSetState {
  /** null until the worker says (the shipped digits until then). */
  active: DataSetInfo | null;
  sets: readonly DataSetInfo[];
  setActive: (info: DataSetInfo) => void;
  setSets: (sets: readonly DataSetInfo[]) => void;
}

export const useDataSetStore = create<DataSetState>()((set) => ({
  active: null,
  sets: [],
  setActive: (active) => set({ active }),
  setSets: (sets) => set({ sets }),
}));
