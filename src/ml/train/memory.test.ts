import { describe, expect, it } from 'vitest';
import { microBatchFor, stepMemoryBytes } from './memory';

describe('microBatchFor', () => {
  it('keeps the tiny preset at batch 64 under 512 MB, in passes of 16', () => {
    expect(microBatchFor('tiny', 64, 512)).toBe(16);
    expect(stepMemoryBytes('tiny', 16)).toBeLessThan(512e6);
    expect(microBatchFor('small', 64, 512)).toBe(8);
  });

  it('never splits a batch that fits, and passes at least one sample', () => {
    expect(microBatchFor('tiny', 8, 512)).toBe(8);
    expect(microBatchFor('tiny', 64, 100_000)).toBe(64);
    expect(microBatchFor('small', 32, 1)).toBe(1);
  });
});
