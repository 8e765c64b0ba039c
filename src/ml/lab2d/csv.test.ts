import { describe, expect, it } from 'vitest';
import { parsePointsCsv } from './csv';

describe('points from CSV', () => {
  it('reads x,y,label with a header, centres and scales to fit ±2', () => {
    const r = parsePointsCsv('x,y,label\n0,0,a\n4,0,b\n2,2,a\n');
    if (!r.ok) throw new Error(r.message);
    // Centre (2, 2/3); the farthest coordinate is 2 from it, so the scale is 1.
    expect(Array.from(r.set.xy)).toEqual([
      -2,
      Math.fround(-2 / 3),
      2,
      Math.fround(-2 / 3),
      0,
      Math.fround(4 / 3),
    ]);
    expect(Array.from(r.set.labels)).toEqual([0, 1, 0]);
    expect(r.set.classes).toBe(2);
    expect(r.set.classNames).toEqual(['a', 'b']);
    expect(r.note).toBe('3 points, 2 labels, centred and scaled by 1.');
  });

  it('reads x,y without labels as one class', () => {
    const r = parsePointsCsv('1;2\r\n3;4\r\n');
    if (!r.ok) throw new Error(r.message);
    expect(r.set.classes).toBe(1);
    expect(r.note).toBe('2 points, centred and scaled by 2.');
  });

  it.each([
    ['', 'The file is empty: expected lines of x,y or x,y,label.'],
    ['1,2\n', 'The file has fewer than 2 points; a data set needs more.'],
    ['1,2\n3,4\n5,x\n', 'Line 3: "5,x" does not start with two numbers x,y.'],
    ['1,2\n3,4,5,6\n', 'Line 2 has 4 columns; expected x,y or x,y,label.'],
    ['1,2,a\n3,4\n', 'Line 2 has 2 columns but earlier lines have 3.'],
    [
      Array.from({ length: 11 }, (_, i) => `${i},0,c${i}`).join('\n'),
      'Line 11: more than 10 different labels.',
    ],
    ['0,0\n'.repeat(10_001), 'The file has 10001 points; at most 10000 are allowed.'],
  ])('refuses %j in words', (text, message) => {
    expect(parsePointsCsv(text)).toEqual({ ok: false, message });
  });
});
