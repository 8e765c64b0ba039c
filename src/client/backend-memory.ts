/**
 * The speed decision, remembered per browser in localStorage (the worker has none). Storage may
 * be off or full (private windows): then the app simply measures again next time.
 */
import { parseDecision, type BackendDecision } from '../shared/backend-choice';

const KEY = 'dp:backend-decision';

export function loadDecision(): BackendDecision | null {
  try {
    const raw = globalThis.localStorage?.getItem(KEY);
    return raw ? parseDecision(JSON.parse(raw)) : null;
  } catch {
    return null;
  }
}

export function saveDecision(decision: BackendDecision): void {
  try {
    globalThis.localStorage?.setItem(KEY, JSON.stringify(decision));
  } catch {
    // Not remembered: the next visit measures again, which costs a few seconds.
  }
}
