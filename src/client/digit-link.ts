/**
 * The forward tab's MNIST digit in the shared link (?digit=3.12). The digits load in the worker
 * after the link is read, so a linked digit waits for them and its index is checked against its
 * class's count only then.
 */
import { DEFAULT_DIGIT, digitField, type DigitChoice } from '../shared/forward-link-fields';
import { addLinkProblems, bind, registerLinkPart } from '../state/link-sync';
import { useAppStore } from '../state/store';

let pending: DigitChoice | null = null;

/** The digit as the link gives it, or null (with the reason in the link's notice). */
function usable(d: DigitChoice): DigitChoice | null {
  const data = useAppStore.getState().data;
  if (data.status !== 'ready') return d;
  const n = data.perClass[d.label] ?? 0;
  if (d.index < n) return d;
  addLinkProblems([
    `${digitField.label} = “${digitField.serialize(d)}”: class ${d.label} has digits 0 to ${n - 1}`,
  ]);
  return null;
}

/** The digit to show once the digits are loaded: the link's, else the default. */
export function takeStartingDigit(): DigitChoice {
  const d = pending;
  pending = null;
  return (d && usable(d)) ?? DEFAULT_DIGIT;
}

export function registerDigitLink(pick: (label: number, index: number) => unknown): void {
  registerLinkPart({
    bindings: [
      bind(
        digitField,
        () => {
          const s = useAppStore.getState().x0Source;
          return pending ?? (s?.kind === 'mnist' ? { label: s.label, index: s.index } : undefined);
        },
        (d) => {
          if (useAppStore.getState().data.status !== 'ready') pending = d;
          else if (usable(d)) pick(d.label, d.index);
        },
      ),
    ],
    subscribe: (onChange) => useAppStore.subscribe(onChange),
  });
}
