import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { dawnAvailable } from '../../node/dawn-available';

const HAS_SWIFTSHADER = dawnAvailable();

interface CheckCase {
  readonly shape: number[];
  readonly groups: number;
  readonly act: boolean;
  readonly maxRelErr: number;
  readonly noCopiesErr: number;
  readonly leaked: number;
}

describe.skipIf(!HAS_SWIFTSHADER)('our WGSL kernels (webgpu through Dawn)', () => {
  it('GroupNorm, im2col, conv input gradients, channel sums, Adam, flat copies and whole steps match the tfjs-ops path', () => {
    // Its own process: Dawn reads its library path at process start (src/node/backends.ts).
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'src/node/webgpu-kernels-check.ts'],
      { encoding: 'utf8', timeout: 480_000, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
      backend?: string;
      unavailable?: string;
      cases?: CheckCase[];
      convCases?: { maxRelErr: number; gathered: boolean }[];
      inputGradCases?: { maxRelErr: number; transposed: boolean }[];
      channelSumErr?: number;
      adamErr?: number;
      flat?: Record<string, unknown>;
      steps?: { lossErr: number; paramErr: number };
    };
    expect(result.unavailable).toBeUndefined();
    expect(result.backend).toBe('webgpu');
    expect(result.cases?.length).toBe(8);
    for (const c of result.cases ?? []) {
      expect(c.maxRelErr, JSON.stringify(c)).toBeLessThan(1e-4);
      expect(c.noCopiesErr, JSON.stringify(c)).toBeLessThan(1e-4);
      expect(c.leaked, JSON.stringify(c)).toBe(0);
    }
    expect(result.convCases?.length).toBe(3);
    for (const c of result.convCases ?? []) {
      expect(c.maxRelErr, JSON.stringify(c)).toBeLessThan(1e-4);
      expect(c.gathered, JSON.stringify(c)).toBe(true);
    }
    expect(result.inputGradCases?.length).toBe(4);
    for (const c of result.inputGradCases ?? []) {
      expect(c.maxRelErr, JSON.stringify(c)).toBeLessThan(1e-5);
      expect(c.transposed, JSON.stringify(c)).toBe(true);
    }
    expect(result.channelSumErr).toBeLessThan(1e-5);
    expect(result.adamErr).toBeLessThan(1e-5);
    // Flatten and split by buffer copies give the values back exactly, freeing what they made.
    expect(result.flat).toEqual({
      flattenErr: 0,
      pieceErr: 0,
      shapesMatch: true,
      copied: true,
      leaked: 0,
    });
    // Three micro-UNet steps with everything of ours on and with it all off.
    expect(result.steps?.lossErr).toBeLessThan(1e-5);
    expect(result.steps?.paramErr).toBeLessThan(1e-5);
  }, 540_000);
});
