import { describe, expect, it } from 'vitest';
import { CREATE_DEFAULTS, createLinkFields } from './create-link-fields';
import { anyField, parseLink, serializeLink } from './link-state';

const fields = Object.values(createLinkFields(CREATE_DEFAULTS)).map((f) => anyField(f as never));

describe('the Create tab in a link', () => {
  it('reads its values', () => {
    const r = parseLink(
      'create.mode=inpaint&create.strength=0.35&create.resample=3&create.between=classes&create.from=0&create.to=9&create.frames=64',
      fields,
    );
    expect(r.problems).toEqual([]);
    expect(Object.fromEntries(r.values)).toEqual({
      'create.mode': 'inpaint',
      'create.strength': 0.35,
      'create.resample': 3,
      'create.between': 'classes',
      'create.from': 0,
      'create.to': 9,
      'create.frames': 64,
    });
  });

  it('refuses values outside the forms’ ranges, naming each', () => {
    const r = parseLink(
      'create.mode=paint&create.strength=0&create.frames=1&create.to=10&create.seedB=-3',
      fields,
    );
    expect(r.values.size).toBe(0);
    expect(r.problems.map((p) => p.text)).toEqual([
      'Create · Mode = “paint”: must be one of sdedit, inpaint, interpolate',
      'Create · Strength = “0”: must be a number from 0.05 to 1',
      'Create · Seed B = “-3”: must be a whole number from 0 to 2147483647',
      'Create · To class = “10”: must be a whole number from 0 to 9',
      'Create · Frames = “1”: must be a whole number from 2 to 64',
    ]);
  });

  it('writes only what differs from a fresh tab', () => {
    const values = new Map<string, unknown>([
      ['create.mode', 'interpolate'],
      ['create.strength', 0.6],
      ['create.frames', 12],
    ]);
    expect(serializeLink(values, fields, '')).toBe('create.mode=interpolate&create.frames=12');
  });
});
