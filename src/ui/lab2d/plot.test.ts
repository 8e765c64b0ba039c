import { describe, expect, it } from 'vitest';
import { drawAt, eraseAt, EMPTY_SET, POINTS_PER_DAB } from './brush';
import { samplesCsv, toPixel, toWorld, trailsSvg } from './plot';

// Two particles over three frames.
const FRAMES = Float32Array.of(0, 0, 1, 1, 0.5, 0.5, 1.5, 1, 1, 1, 2, 1);

describe('the 2-D plots as files', () => {
  it('maps plot units to pixels and back (y up on screen)', () => {
    expect(toPixel(400, -4, 4)).toEqual([0, 0]);
    expect(toPixel(400, 0, 0)).toEqual([200, 200]);
    expect(toPixel(400, 2, -2)).toEqual([300, 300]);
    expect(toWorld(400, 300, 300)).toEqual([2, -2]);
  });

  it('writes the last frame of each sampler as CSV rows', () => {
    expect(samplesCsv([{ method: 'ddim', frames: FRAMES }], 2)).toBe(
      'method,x,y\nddim,1,1\nddim,2,1\n',
    );
  });

  it('writes one path per shown particle and one dot per particle per panel as SVG', () => {
    const svg = trailsSvg(
      [
        { title: 'A', frames: FRAMES },
        { title: 'B', frames: FRAMES },
      ],
      2,
      1,
    );
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(4);
    // Particle 0: (0,0) → (0.5,0.5) → (1,1) at 50 px per unit around (200, 200).
    expect(svg).toContain('<path d="M200.0 200.0L225.0 175.0L250.0 150.0"/>');
  });
});

describe('the brush', () => {
  it('adds points around the brush with its label, a new label making a new class', () => {
    let i = 0;
    const rng = () => [0.25, 0.5, 1, 0][i++ % 4] ?? 0;
    const set = drawAt(EMPTY_SET, 1, 1, 1, rng);
    expect(set.labels).toHaveLength(POINTS_PER_DAB);
    expect(Array.from(set.labels)).toEqual([1, 1, 1, 1]);
    expect(set.classes).toBe(2);
    expect(set.classNames).toEqual(['label 1', 'label 2']);
    for (let k = 0; k < POINTS_PER_DAB; k++) {
      expect(
        Math.hypot((set.xy[2 * k] ?? 0) - 1, (set.xy[2 * k + 1] ?? 0) - 1),
      ).toBeLessThanOrEqual(0.15 + 1e-6);
    }
  });

  it('erases only the points under it', () => {
    const set = {
      ...EMPTY_SET,
      xy: Float32Array.of(0, 0, 0.2, 0, 1, 1),
      labels: Uint8Array.of(0, 0, 0),
    };
    const left = eraseAt(set, 0, 0);
    expect(Array.from(left.xy)).toEqual([1, 1]);
    expect(eraseAt(left, -3, -3)).toBe(left);
  });
});
