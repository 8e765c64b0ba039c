import { describe, expect, it } from 'vitest';
import {
  EMPTY_RUN_CHARTS,
  base64ToPixels,
  boundedPush,
  checkedRunCharts,
  pixelsToBase64,
} from './run-charts';

describe('run charts', () => {
  it('a bounded list keeps its newest entry, in order, and thins the older ones', () => {
    let list: number[] = [];
    for (let i = 0; i < 1000; i++) list = boundedPush(list, i, 100);
    expect(list.length).toBeLessThanOrEqual(100);
    expect(list.at(-1)).toBe(999);
    expect(list).toEqual([...list].sort((a, b) => a - b));
  });

  it('pixels survive base64, also past the chunk size', () => {
    const pixels = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256);
    expect(base64ToPixels(pixelsToBase64(pixels))).toEqual(pixels);
  });

  it('older files (no charts) and damaged parts give empty charts, not an error', () => {
    expect(checkedRunCharts(undefined)).toEqual(EMPTY_RUN_CHARTS);
    const charts = checkedRunCharts({
      throughput: { steps: [1, 2], values: [3] },
      quality: [{ step: 5, elapsedMs: 100, kid: 0.1 }, 'junk'],
      lastStats: { step: 'x' },
      preview: { step: 1, width: 2, height: 2, columns: 1, labels: [0], pixels: 'AAAA' },
    });
    expect(charts.throughput).toEqual({ steps: [], values: [] });
    expect(charts.quality).toHaveLength(1);
    expect(charts.lastStats).toBeNull();
    // 'AAAA' is 3 bytes, not the 4 of a 2×2 grid.
    expect(charts.preview).toBeNull();
  });
});
