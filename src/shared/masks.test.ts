import { describe, expect, it } from 'vitest';
import { invertMask, maskedCount, presetMask } from './masks';

describe('masks', () => {
  it('presets erase one half: rows 14–27 for bottom, columns 0–13 for left', () => {
    const bottom = presetMask('bottom');
    expect(maskedCount(bottom)).toBe(392);
    expect(bottom[13 * 28 + 5]).toBe(0);
    expect(bottom[14 * 28 + 5]).toBe(1);
    const left = presetMask('left');
    expect([left[3 * 28 + 13], left[3 * 28 + 14]]).toEqual([1, 0]);
    expect(Array.from(invertMask(presetMask('top')))).toEqual(Array.from(bottom));
  });
});
