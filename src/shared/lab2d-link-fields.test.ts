import { describe, expect, it } from 'vitest';
import { lab2dLinkFields, type Lab2dLinkValues } from './lab2d-link-fields';
import { anyField, parseLink, serializeLink } from './link-state';

const DEFAULTS: Lab2dLinkValues = {
  preset: 'two-moons',
  schedule: 'linear',
  T: 1000,
  t: 0,
  density: true,
  fields: false,
  fieldOf: 'diffusion',
  objective: 'epsilon',
  trainSteps: 1500,
  width: 64,
  labels: true,
  denoiser: 'learned',
  sampleSteps: 50,
  particles: 500,
  solver: 'euler',
  guide: -1,
  scale: 2,
  seed: 1,
};
const fields = Object.values(lab2dLinkFields(DEFAULTS)).map((f) => anyField(f as never));

describe('the 2-D lab in a link', () => {
  it('reads its values, with t checked against the link’s T', () => {
    const r = parseLink(
      'lab.data=spiral&lab.T=100&lab.t=99&lab.objective=flow&lab.solver=heun&lab.guide=1&lab.scale=3.5&lab.fields=1',
      fields,
    );
    expect(r.problems).toEqual([]);
    expect(Object.fromEntries(r.values)).toEqual({
      'lab.data': 'spiral',
      'lab.T': 100,
      'lab.t': 99,
      'lab.objective': 'flow',
      'lab.solver': 'heun',
      'lab.guide': 1,
      'lab.scale': 3.5,
      'lab.fields': true,
    });
  });

  it('refuses what is out of range or unknown, in words', () => {
    const r = parseLink('lab.T=100&lab.t=100&lab.data=moons&lab.particles=5', fields);
    expect(r.problems.map((p) => p.key)).toEqual(['lab.data', 'lab.t', 'lab.particles']);
    expect(r.problems[0]?.text).toBe(
      '2-D lab · Data set = “moons”: must be one of two-moons, rings, spiral, gaussians, checkerboard, smiley',
    );
  });

  it('writes only what differs from a fresh lab', () => {
    const values = new Map<string, unknown>([
      ['lab.data', 'two-moons'],
      ['lab.t', 250],
      ['lab.denoiser', 'exact'],
    ]);
    expect(serializeLink(values, fields)).toBe('lab.t=250&lab.denoiser=exact');
  });
});
