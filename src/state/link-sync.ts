/**
 * Keeps the address in step with what is on screen, so a copied link opens the same state. Each
 * part of the app registers its fields (shared/link-state.ts: key, parse with range check,
 * serialize, default) with how to read and apply them; on start the address's values are applied
 * and any that cannot be used are listed in one notice; afterwards every change is written back
 * with history.replaceState (debounced: a dragged slider writes once it rests; never a reload).
 */
import { parseLink, serializeLink, type AnyLinkField, type LinkField } from '../shared/link-state';
import { useAppStore } from './store';

export interface LinkBinding {
  readonly field: AnyLinkField;
  /** The value on screen now; undefined: this field is not in the link at the moment. */
  read(): unknown;
  apply(value: unknown): void;
}

export function bind<V>(
  field: LinkField<V>,
  read: () => V | undefined,
  apply: (value: V) => void,
): LinkBinding {
  return { field: field as unknown as AnyLinkField, read, apply: apply as (v: unknown) => void };
}

export interface LinkPart {
  readonly bindings: readonly LinkBinding[];
  /** Calls back whenever one of the part's values may have changed. */
  readonly subscribe: (onChange: () => void) => () => void;
  /** After the link's values were applied: the keys this part took from the link. */
  readonly restored?: (applied: ReadonlySet<string>) => void;
}

/** Parameters other code reads (client/app-client.ts): kept in the address, never reported. */
const FOREIGN_KEYS: ReadonlySet<string> = new Set(['backend', 'fault']);
const WRITE_DELAY_MS = 250;

const parts: LinkPart[] = [];
let started = false;
let timer: ReturnType<typeof setTimeout> | null = null;
/** What the address said when the page opened, for parts registered later (lazy tabs). */
let opened = new URLSearchParams();
let problems: string[] = [];

const bindings = () => parts.flatMap((p) => p.bindings);

/**
 * Adds a part's fields. Register before startLinkSync; a part registered later (a tab in a chunk
 * of its own) gets the link's values at once, but its keys in the link were reported as unknown.
 */
export function registerLinkPart(part: LinkPart): void {
  parts.push(part);
  if (!started) return;
  const reading = parseLink(
    opened,
    part.bindings.map((b) => b.field),
    new Set(opened.keys()),
  );
  applyPart(part, reading.values);
  if (reading.problems.length > 0) addLinkProblems(reading.problems.map((p) => p.text));
  part.subscribe(scheduleWrite);
}

function applyPart(part: LinkPart, values: ReadonlyMap<string, unknown>): void {
  const applied = new Set<string>();
  for (const b of part.bindings) {
    if (!values.has(b.field.key)) continue;
    b.apply(values.get(b.field.key));
    applied.add(b.field.key);
  }
  part.restored?.(applied);
}

/** Problems with the link found later (a digit index once the digits are loaded): one notice. */
export function addLinkProblems(more: readonly string[]): void {
  problems = [...problems, ...more];
  useAppStore
    .getState()
    .notify(
      'error',
      `This link has values this page cannot use, so their defaults are shown instead: ${problems.join('; ')}.`,
    );
}

/** The old address form #train (a tab in the hash) still opens that tab. */
function openingParams(): URLSearchParams {
  const params = new URLSearchParams(window.location.search);
  const hash = window.location.hash.slice(1);
  if (hash && !params.has('tab')) params.set('tab', hash);
  return params;
}

/** Applies the address to the page and from then on keeps the address up to date. */
export function startLinkSync(): void {
  if (started) return;
  started = true;
  opened = openingParams();
  const reading = parseLink(
    opened,
    bindings().map((b) => b.field),
    FOREIGN_KEYS,
  );
  for (const part of parts) applyPart(part, reading.values);
  if (reading.problems.length > 0) addLinkProblems(reading.problems.map((p) => p.text));
  for (const part of parts) part.subscribe(scheduleWrite);
  window.addEventListener('pagehide', writeNow);
  writeNow();
}

function scheduleWrite(): void {
  if (timer !== null) clearTimeout(timer);
  timer = setTimeout(writeNow, WRITE_DELAY_MS);
}

/** The address for what is on screen now. */
export function linkForNow(): string {
  const values = new Map<string, unknown>();
  for (const b of bindings()) {
    const v = b.read();
    if (v !== undefined) values.set(b.field.key, v);
  }
  const url = new URL(window.location.href);
  url.search = serializeLink(
    values,
    bindings().map((b) => b.field),
    url.search,
    FOREIGN_KEYS,
  );
  url.hash = '';
  return url.href;
}

function writeNow(): void {
  if (timer !== null) clearTimeout(timer);
  timer = null;
  const href = linkForNow();
  if (href !== window.location.href) window.history.replaceState(window.history.state, '', href);
}

/** The link to copy: the address brought up to date first (a change may still be waiting). */
export function currentLink(): string {
  writeNow();
  return window.location.href;
}
