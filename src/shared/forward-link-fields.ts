/** The forward tab in a shared link: schedule, compared schedule, T, t, noise seed and digit. */
import { SCHEDULE_KINDS, T_MAX, T_MIN, type ScheduleKind } from '../ml/schedule';
import {
  checkNumberText,
  choiceField,
  numberField,
  ok,
  refuse,
  type LinkField,
} from './link-state';

export interface ForwardValues {
  readonly scheduleKind: ScheduleKind;
  readonly compareKind: ScheduleKind | null;
  readonly T: number;
  readonly t: number;
  readonly noiseSeed: number;
}

/** The fields, with a fresh page's values (the store's initial state) as their defaults. */
export function forwardLinkFields(d: ForwardValues) {
  const T = numberField('T', 'Forward · T', { min: T_MIN, max: T_MAX, integer: true }, d.T);
  // t lives in 0…T−1 of the T the link gives (or the default T).
  const t: LinkField<number> = {
    key: 't',
    label: 'Forward · t',
    default: d.t,
    parse: (raw, get) => {
      const linkT = get(T.key);
      const max = (typeof linkT === 'number' ? linkT : d.T) - 1;
      return checkNumberText(raw, { min: 0, max, integer: true });
    },
    serialize: String,
  };
  return {
    scheduleKind: choiceField('schedule', 'Forward · Schedule', SCHEDULE_KINDS, d.scheduleKind),
    compareKind: choiceField<ScheduleKind | 'none'>(
      'compare',
      'Forward · Compare with',
      [...SCHEDULE_KINDS, 'none'],
      d.compareKind ?? 'none',
    ),
    T,
    t,
    noiseSeed: numberField(
      'noise',
      'Forward · ε seed',
      { min: 0, max: 2 ** 32 - 1, integer: true },
      d.noiseSeed,
    ),
  };
}

export interface DigitChoice {
  readonly label: number;
  readonly index: number;
}

/** A clear, well-formed 7 to greet the learner on first load. */
export const DEFAULT_DIGIT: DigitChoice = { label: 7, index: 0 };

/**
 * The MNIST digit as "class.index" ("7.0"). The index is checked against the class's count only
 * once the digits are loaded (the page says so then).
 */
export const digitField: LinkField<DigitChoice> = {
  key: 'digit',
  label: 'Forward · MNIST digit',
  default: DEFAULT_DIGIT,
  parse: (raw) => {
    const m = /^(\d)\.(\d{1,5})$/.exec(raw);
    if (!m) return refuse('must be a class and an index, like 7.0 (class 7, its first digit)');
    return ok({ label: Number(m[1]), index: Number(m[2]) });
  },
  serialize: (v) => `${v.label}.${v.index}`,
  equals: (a, b) => a.label === b.label && a.index === b.index,
};
