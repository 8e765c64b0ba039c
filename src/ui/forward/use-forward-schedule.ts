import { useMemo } from 'react';
import { makeSchedule, type Schedule } from '../../ml/schedule';
import { useAppStore } from '../../state/store';

/** The schedule the forward tab explores (kind, T and zero terminal SNR from the store). */
export function useForwardSchedule(): Schedule {
  const kind = useAppStore((s) => s.scheduleKind);
  const T = useAppStore((s) => s.T);
  const zero = useAppStore((s) => s.zeroTerminalSnr);
  return useMemo(() => makeSchedule(kind, T, zero), [kind, T, zero]);
}
