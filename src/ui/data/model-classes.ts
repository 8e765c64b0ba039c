import { useDataSetStore } from '../../state/dataset-store';
import { useAppStore } from '../../state/store';

const DIGITS = Array.from({ length: 10 }, (_, d) => String(d));

/**
 * What the model's classes stand for: the digits 0–9, or the names of the learner's data set it
 * was trained on (while that set is the one in use, whose names the page knows).
 */
export function useModelClasses(): readonly string[] {
  const trainedOn = useAppStore((s) => s.model?.settings.dataset ?? null);
  const active = useDataSetStore((s) => s.active);
  return trainedOn !== null && active?.name === trainedOn ? active.classNames : DIGITS;
}
