import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Dawn finds an adapter here through Chromium's SwiftShader (CI installs chromium first).
const HAS_SWIFTSHADER = existsSync('/usr/lib/chromium/vk_swiftshader_icd.json');

interface CheckCase {
  readonly shape: number[];
  readonly groups: number;
  readonly act: boolean;
  readonly maxRelErr: number;
  readonly leaked: number;
}

describe.skipIf(!HAS_SWIFTSHADER)('our WGSL kernels (webgpu through Dawn)', () => {
  it('GroupNorm and im2col match the tfjs-ops formulation, without leaks', () => {
    // Its own process: Dawn reads its library path at process start (src/node/backends.ts).
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'src/node/webgpu-kernels-check.ts'],
      { encoding: 'utf8', timeout: 240_000, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
      backend?: string;
      unavailable?: string;
      cases?: CheckCase[];
      convCases?: { maxRelErr: number; gathered: boolean }[];
    };
    expect(result.unavailable).toBeUndefined();
    expect(result.backend).toBe('webgpu');
    expect(result.cases?.length).toBe(8);
    for (const c of result.cases ?? []) {
      expect(c.maxRelErr, JSON.stringify(c)).toBeLessThan(1e-4);
      expect(c.leaked, JSON.stringify(c)).toBe(0);
    }
    expect(result.convCases?.length).toBe(3);
    for (const c of result.convCases ?? [])
      expect(c.maxRelErr, JSON.stringify(c)).toBeLessThan(1e-4);
  }, 300_000);
});
