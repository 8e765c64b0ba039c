import { describe, expect, it } from 'vitest';
import { SCHEDULE_KINDS, makeSchedule, rescaleZeroTerminalSnr, scheduleOf } from './schedule';
import { minSnrWeights } from './train/step';

/**
 * Reference values from diffusers' `rescale_zero_terminal_snr` run verbatim in PyTorch (float64)
 * on our four schedules: β and ᾱ at t = 0, 1, T/2, T−2 and T−1.
 */
const REFERENCE = {
  'linear-1000': {
    betas: [9.99999999998e-5, 0.00012068663551, 0.0102926174264, 0.75226723115, 1],
    alphaBar: [0.9999, 0.999779325433, 0.0752462157043, 4.21326246509e-9, 0],
  },
  'cosine-1000': {
    betas: [4.12842248223e-5, 4.6144026851e-5, 0.00315591258798, 0.757967580828, 1],
    alphaBar: [0.999958715775, 0.999912573653, 0.492264538532, 2.27781147899e-6, 0],
  },
  'scaled-linear-1000': {
    betas: [0.0001, 0.000105505695778, 0.00602430610015, 0.752048682648, 1],
    alphaBar: [0.9999, 0.999794504855, 0.317815215394, 7.98631538714e-8, 0],
  },
  'sigmoid-1000': {
    betas: [0.000149205200817, 0.000150747980105, 0.0101964776778, 0.752505187865, 1],
    alphaBar: [0.999850794799, 0.999700069311, 0.295754180753, 4.12152950244e-9, 0],
  },
  'linear-50': {
    betas: [0.0001, 0.00226392305561, 0.0583629662266, 0.74731183854, 1],
    alphaBar: [0.9999, 0.997636303337, 0.501192521133, 0.00124459049398, 0],
  },
  'cosine-50': {
    betas: [0.00174751353387, 0.00369259356383, 0.0631368762295, 0.757729144282, 1],
    alphaBar: [0.998252486466, 0.99456634576, 0.462278610925, 0.000912539868393, 0],
  },
  'scaled-linear-50': {
    betas: [0.0001, 0.000967241600856, 0.0410044561519, 0.742757031919, 1],
    alphaBar: [0.9999, 0.998932855123, 0.677007311112, 0.00259217557759, 0],
  },
  'sigmoid-50': {
    betas: [0.000149205200817, 0.00072752174559, 0.0525447498737, 0.752340328615, 1],
    alphaBar: [0.999850794799, 0.999123381604, 0.718571440518, 0.00123401479091, 0],
  },
} as const;

/** ᾱ at T−1 before rescaling, from the same PyTorch run. */
const END_BEFORE = {
  'linear-1000': 4.03583e-5,
  'cosine-1000': 2.42877e-9,
  'scaled-linear-1000': 0.000733412,
  'sigmoid-1000': 3.96818e-5,
  'linear-50': 0.602952,
  'cosine-50': 9.71193e-7,
  'scaled-linear-50': 0.695072,
  'sigmoid-50': 0.602453,
} as const;

describe('zero terminal SNR rescaling', () => {
  for (const kind of SCHEDULE_KINDS) {
    for (const T of [1000, 50] as const) {
      const key = `${kind}-${T}` as const;
      it(`${key}: matches diffusers, ᾱ_{T−1} = 0 exactly`, () => {
        const plain = makeSchedule(kind, T);
        expect(plain.alphasCumprod[T - 1]! / END_BEFORE[key]).toBeCloseTo(1, 4);
        const s = makeSchedule(kind, T, true);
        expect(s.zeroTerminalSnr).toBe(true);
        const idx = [0, 1, T / 2, T - 2, T - 1];
        idx.forEach((t, i) => {
          const ref = REFERENCE[key];
          expect(s.betas[t]! / ref.betas[i]!).toBeCloseTo(1, 8);
          if (ref.alphaBar[i] === 0) expect(s.alphasCumprod[t]).toBe(0);
          else expect(s.alphasCumprod[t]! / ref.alphaBar[i]!).toBeCloseTo(1, 8);
        });
      });
      it(`${key}: the SNR still falls monotonically, from the same start, to exactly 0`, () => {
        const plain = makeSchedule(kind, T);
        const s = makeSchedule(kind, T, true);
        const snr = Array.from(s.alphasCumprod, (a) => a / (1 - a));
        for (let t = 1; t < T; t++) expect(snr[t]!).toBeLessThan(snr[t - 1]!);
        expect(snr[T - 1]).toBe(0);
        expect(s.alphasCumprod[0]).toBeCloseTo(plain.alphasCumprod[0]!, 12);
        // Rescaling only removes signal: every ᾱ_t is at most the plain one.
        for (let t = 0; t < T; t++)
          expect(s.alphasCumprod[t]!).toBeLessThanOrEqual(plain.alphasCumprod[t]! + 1e-12);
      });
    }
  }

  it('is the identity on ᾱ_0 and a pure function of the betas', () => {
    const betas = makeSchedule('linear', 10).betas;
    const copy = betas.slice();
    const out = rescaleZeroTerminalSnr(betas);
    expect(betas).toEqual(copy);
    expect(out[0]).toBeCloseTo(betas[0]!, 14);
    expect(out[9]).toBe(1);
    expect(rescaleZeroTerminalSnr(new Float64Array([0.3]))[0]).toBe(1);
  });

  it('scheduleOf: a config without the flag (older files) is the plain schedule', () => {
    expect(scheduleOf({ kind: 'linear', T: 50 }).alphasCumprod[49]).toBeCloseTo(0.602952, 5);
    expect(scheduleOf({ kind: 'linear', T: 50, zeroTerminalSnr: true }).alphasCumprod[49]).toBe(0);
  });

  it('min-SNR-γ weights stay finite at SNR = 0: ε weighs 1 there, v and x₀ weigh 0', () => {
    const s = makeSchedule('linear', 50, true);
    const ts = new Int32Array([0, 25, 49]);
    const eps = minSnrWeights(s, ts, 'epsilon', 5);
    expect(Array.from(eps)).toEqual([expect.any(Number), 1, 1]);
    expect(eps[0]).toBeCloseTo(5 / (0.9999 / 1e-4), 6);
    expect(minSnrWeights(s, ts, 'v', 5)[2]).toBe(0);
    expect(minSnrWeights(s, ts, 'x0', 5)[2]).toBe(0);
  });
});
