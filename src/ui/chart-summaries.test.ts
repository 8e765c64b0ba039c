import { describe, expect, it } from 'vitest';
import {
  accuracySummary,
  bucketSummary,
  curveSummary,
  lossSummary,
  throughputSummary,
} from './chart-summaries';

const pts = (values: number[], first = 1) => values.map((value, i) => ({ step: i + first, value }));

describe('chart summaries for screen readers', () => {
  it('loss: count, last, lowest with its step', () => {
    expect(lossSummary(pts([0.5, 0.029, 0.031]))).toBe(
      'Loss: 3 points, last 0.031 at step 3, lowest 0.029 at step 2',
    );
    expect(lossSummary([])).toBe('Loss: no points yet; they appear once training runs.');
  });
  it('throughput and accuracy', () => {
    expect(throughputSummary(pts([2, 5, 4]))).toBe(
      'Throughput: 3 points, last 4 steps/s at step 3, highest 5 steps/s',
    );
    expect(
      accuracySummary([
        { step: 60_000, value: 0.5 },
        { step: 130_000, value: 0.82 },
      ]),
    ).toBe(
      'Class accuracy: 2 measurements, last 82% after 2 min 10 s of training, best 82% after 2 min 10 s',
    );
  });
  it('buckets skip ranges without samples', () => {
    expect(bucketSummary([0.3, NaN, 0.1], ['0–9', '10–19', '20–29'])).toBe(
      'Loss by timestep over 2 ranges of t: highest 0.3 for t 0–9, lowest 0.1 for t 20–29',
    );
    expect(bucketSummary(undefined, [])).toContain('no figures yet');
  });
  it('schedule curves: first and last finite values per schedule', () => {
    expect(
      curveSummary('log SNR', [
        { name: 'linear', points: pts([9.21, -2.5, -Infinity], 0) },
        { name: 'cosine', points: [] },
      ]),
    ).toBe('log SNR against t: linear from 9.21 at t = 0 to -2.5 at t = 1; cosine: no values');
  });
});
