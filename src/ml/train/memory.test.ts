import { describe, expect, it } from 'vitest';
import { microBatchFor, stepMemoryBytes, stepPathFor } from './memory';

describe('microBatchFor', () => {
  it('keeps the tiny preset at batch 64 under 512 MB: 2 passes with our kernels, 3 with tfjs ops', () => {
    expect(microBatchFor('tiny', 64, 512, 'kernels')).toBe(32);
    expect(stepMemoryBytes('tiny', 32, 'kernels')).toBeLessThan(512e6);
    expect(microBatchFor('tiny', 64, 512, 'ops')).toBe(22);
    expect(stepMemoryBytes('tiny', 22, 'ops')).toBeLessThan(512e6);
    expect(microBatchFor('small', 64, 512, 'kernels')).toBe(22);
    expect(microBatchFor('small', 64, 512, 'ops')).toBe(11);
    // No path: the costlier one.
    expect(microBatchFor('tiny', 64, 512)).toBe(22);
  });

  it('knows which backends run our kernels', () => {
    expect(stepPathFor('webgpu')).toBe('kernels');
    expect(stepPathFor('wasm')).toBe('kernels');
    expect(stepPathFor('webgl')).toBe('ops');
    expect(stepPathFor(null)).toBe('ops');
  });

  it('never splits a batch that fits, and passes at least one sample', () => {
    expect(microBatchFor('tiny', 8, 512)).toBe(8);
    expect(microBatchFor('tiny', 64, 100_000)).toBe(64);
    expect(microBatchFor('small', 32, 1)).toBe(1);
  });
});
