/**
 * What a shared link says, as pure data: each part of the app describes the fields it keeps in the
 * address (key, parse with its range check, serialize, default); this module turns a query string
 * into values plus a list of problems, and values back into a query string. No DOM, no store: the
 * page side (state/link-sync.ts) reads and applies the values.
 */
import type { NumberSpec } from './train-settings-spec';

export type Parsed<V> =
  { readonly ok: true; readonly value: V } | { readonly ok: false; readonly why: string };

export interface LinkField<V> {
  /** The query parameter's name (unique across the app). */
  readonly key: string;
  /** What the learner calls it, for the notice ("T, the number of timesteps"). */
  readonly label: string;
  readonly default: V;
  /**
   * The value the text stands for, or why not. `get` gives a field parsed earlier (in
   * registration order) or its default, for ranges that depend on another field (t below T).
   */
  parse(raw: string, get: (key: string) => unknown): Parsed<V>;
  serialize(value: V): string;
  /** Defaults are left out of the address; compared with this (default: ===). */
  equals?(a: V, b: V): boolean;
}

/** Erases a field's value type so fields of every type fit one list. */
export type AnyLinkField = LinkField<unknown>;
export const anyField = <V>(field: LinkField<V>): AnyLinkField => field as unknown as AnyLinkField;

export const ok = <V>(value: V): Parsed<V> => ({ ok: true, value });
export const refuse = <V>(why: string): Parsed<V> => ({ ok: false, why });

/** A number read the way a person writes it; '' and 'abc' are not numbers. */
function readNumber(raw: string): number | null {
  if (raw.trim() === '') return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}

export function checkNumberText(
  raw: string,
  spec: Pick<NumberSpec, 'min' | 'max' | 'integer'>,
): Parsed<number> {
  const n = readNumber(raw);
  const what = spec.integer ? 'a whole number' : 'a number';
  if (n === null || (spec.integer && !Number.isInteger(n)) || n < spec.min || n > spec.max) {
    return refuse(`must be ${what} from ${spec.min} to ${spec.max}`);
  }
  return ok(n);
}

export function numberField(
  key: string,
  label: string,
  spec: Pick<NumberSpec, 'min' | 'max' | 'integer'>,
  fallback: number,
): LinkField<number> {
  return {
    key,
    label,
    default: fallback,
    parse: (raw) => checkNumberText(raw, spec),
    serialize: String,
  };
}

export function choiceField<T extends string>(
  key: string,
  label: string,
  choices: readonly T[],
  fallback: T,
): LinkField<T> {
  return {
    key,
    label,
    default: fallback,
    parse: (raw) => {
      const found = choices.find((c) => c === raw);
      return found === undefined ? refuse(`must be one of ${choices.join(', ')}`) : ok(found);
    },
    serialize: (v) => v,
  };
}

export function booleanField(key: string, label: string, fallback: boolean): LinkField<boolean> {
  return {
    key,
    label,
    default: fallback,
    parse: (raw) => (raw === '1' ? ok(true) : raw === '0' ? ok(false) : refuse('must be 1 or 0')),
    serialize: (v) => (v ? '1' : '0'),
  };
}

export interface LinkReading {
  /** The values the link sets, by key (fields the link leaves out are absent). */
  readonly values: ReadonlyMap<string, unknown>;
  /** One line per value that could not be used ("Forward · T = “5000”: must be …"). */
  readonly problems: readonly { readonly key: string; readonly text: string }[];
}

/**
 * Reads the fields' values from a query string. A value out of range or unreadable is left out
 * (its field keeps its default) and named in `problems`; so is a parameter no field owns, unless
 * it is in `foreign` (parameters other code reads, like ?backend=).
 */
export function parseLink(
  search: string | URLSearchParams,
  fields: readonly AnyLinkField[],
  foreign: ReadonlySet<string> = new Set(),
): LinkReading {
  const params = new URLSearchParams(search);
  const values = new Map<string, unknown>();
  const problems: { key: string; text: string }[] = [];
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const get = (key: string) => (values.has(key) ? values.get(key) : byKey.get(key)?.default);
  for (const field of fields) {
    const raw = params.get(field.key);
    if (raw === null) continue;
    const parsed = field.parse(raw, get);
    if (parsed.ok) values.set(field.key, parsed.value);
    else problems.push({ key: field.key, text: `${field.label} = “${raw}”: ${parsed.why}` });
  }
  for (const key of new Set(params.keys())) {
    if (!byKey.has(key) && !foreign.has(key)) {
      problems.push({ key, text: `“${key}” is not a setting of this page` });
    }
  }
  return { values, problems };
}

/**
 * The query string for these values: every field not at its default, in the fields' order,
 * after the `foreign` parameters `base` already has (kept as they are). Unknown parameters in
 * `base` are dropped.
 */
export function serializeLink(
  values: ReadonlyMap<string, unknown>,
  fields: readonly AnyLinkField[],
  base: string | URLSearchParams = '',
  foreign: ReadonlySet<string> = new Set(),
): string {
  const before = new URLSearchParams(base);
  const out = new URLSearchParams();
  for (const [key, value] of before) if (foreign.has(key)) out.append(key, value);
  for (const field of fields) {
    if (!values.has(field.key)) continue;
    const value = values.get(field.key);
    const same = field.equals ? field.equals(value, field.default) : value === field.default;
    if (!same) out.set(field.key, field.serialize(value));
  }
  return out.toString();
}
