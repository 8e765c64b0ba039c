/**
 * Points from a CSV file: `x,y` or `x,y,label` per line, an optional header line. Anything else is
 * refused with the line and the reason, so a learner can fix the file.
 */
import { MAX_POINTS, type PointSet } from './points';

export const MAX_CLASSES = 10;
/** Imported points are centred and scaled so the largest coordinate is this (plot units). */
export const FIT_RADIUS = 2;

export type CsvResult =
  | { readonly ok: true; readonly set: PointSet; readonly note: string }
  | { readonly ok: false; readonly message: string };

function fail(message: string): CsvResult {
  return { ok: false, message };
}

export function parsePointsCsv(text: string): CsvResult {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .map((l, i) => ({ l, line: i + 1 }))
    .filter(({ l }) => l !== '' && !l.startsWith('#'));
  if (lines.length === 0) return fail('The file is empty: expected lines of x,y or x,y,label.');
  const first = lines[0]?.l.split(/[,;\t]/).map((s) => s.trim()) ?? [];
  if (first.slice(0, 2).some((s) => s === '' || !Number.isFinite(Number(s)))) lines.shift();
  if (lines.length < 2) return fail('The file has fewer than 2 points; a data set needs more.');
  if (lines.length > MAX_POINTS) {
    return fail(`The file has ${lines.length} points; at most ${MAX_POINTS} are allowed.`);
  }
  const xy = new Float32Array(2 * lines.length);
  const labels = new Uint8Array(lines.length);
  const classNames: string[] = [];
  let columns = 0;
  for (const [k, { l, line }] of lines.entries()) {
    const cells = l.split(/[,;\t]/).map((s) => s.trim());
    if (cells.length !== 2 && cells.length !== 3) {
      return fail(`Line ${line} has ${cells.length} columns; expected x,y or x,y,label.`);
    }
    if (columns === 0) columns = cells.length;
    if (cells.length !== columns) {
      return fail(`Line ${line} has ${cells.length} columns but earlier lines have ${columns}.`);
    }
    const [x, y] = [Number(cells[0]), Number(cells[1])];
    if (cells[0] === '' || cells[1] === '' || !Number.isFinite(x) || !Number.isFinite(y)) {
      return fail(`Line ${line}: "${l}" does not start with two numbers x,y.`);
    }
    xy[2 * k] = x;
    xy[2 * k + 1] = y;
    const name = cells[2];
    if (name !== undefined) {
      let c = classNames.indexOf(name);
      if (c < 0) {
        if (classNames.length === MAX_CLASSES) {
          return fail(`Line ${line}: more than ${MAX_CLASSES} different labels.`);
        }
        c = classNames.push(name) - 1;
      }
      labels[k] = c;
    }
  }
  const scale = fitInPlace(xy);
  const n = lines.length;
  const set: PointSet = {
    xy,
    labels,
    classes: Math.max(1, classNames.length),
    classNames: classNames.length > 0 ? classNames : ['points'],
  };
  const labelled = classNames.length > 1 ? `, ${classNames.length} labels` : '';
  return { ok: true, set, note: `${n} points${labelled}, centred and scaled by ${fmt(scale)}.` };
}

function fmt(v: number): string {
  return Number(v.toPrecision(3)).toString();
}

/** Centres the points and scales them to fit FIT_RADIUS; returns the scale factor. */
function fitInPlace(xy: Float32Array): number {
  const n = xy.length / 2;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xy[2 * i] ?? 0;
    my += xy[2 * i + 1] ?? 0;
  }
  mx /= n;
  my /= n;
  let far = 0;
  for (let i = 0; i < n; i++) {
    far = Math.max(far, Math.abs((xy[2 * i] ?? 0) - mx), Math.abs((xy[2 * i + 1] ?? 0) - my));
  }
  // All points at one place: keep them there, at the centre.
  const scale = far > 0 ? FIT_RADIUS / far : 1;
  for (let i = 0; i < n; i++) {
    xy[2 * i] = ((xy[2 * i] ?? 0) - mx) * scale;
    xy[2 * i + 1] = ((xy[2 * i + 1] ?? 0) - my) * scale;
  }
  return scale;
}
