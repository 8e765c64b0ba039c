import { describe, expect, it } from 'vitest';
import { Series, smooth } from './series';

describe('Series', () => {
  it('appends only new points and notifies', () => {
    const s = new Series();
    let calls = 0;
    s.subscribe(() => calls++);
    s.append([{ step: 1, value: 2 }]);
    s.append([]);
    s.append([{ step: 2, value: 4 }]);
    expect(s.length).toBe(2);
    expect(calls).toBe(2);
    s.replace([]);
    expect(s.length).toBe(0);
  });
  it('down-samples by bucket means, keeping the last step', () => {
    const s = new Series();
    s.append(Array.from({ length: 10 }, (_, i) => ({ step: i + 1, value: i })));
    expect(s.downsample(5)).toEqual([
      { step: 2, value: 0.5 },
      { step: 4, value: 2.5 },
      { step: 6, value: 4.5 },
      { step: 8, value: 6.5 },
      { step: 10, value: 8.5 },
    ]);
    expect(s.downsample(20)).toHaveLength(10);
  });
  it('smooths with debiasing (first point unchanged) and 0 = raw', () => {
    const pts = [1, 3, 3].map((value, i) => ({ step: i, value }));
    expect(smooth(pts, 0)).toEqual(pts);
    const sm = smooth(pts, 0.5);
    expect(sm[0]!.value).toBe(1);
    expect(sm[1]!.value).toBeCloseTo((0.5 * 1 * 0.5 + 0.5 * 3) / 0.75, 10);
  });
});
