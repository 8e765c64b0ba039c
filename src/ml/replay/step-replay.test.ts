import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { dawnAvailable } from '../../node/dawn-available';

const HAS_SWIFTSHADER = dawnAvailable();

describe.skipIf(!HAS_SWIFTSHADER)(
  'a recorded training step, replayed (webgpu through Dawn)',
  () => {
    it('trains exactly as tfjs does: new inputs each step, a NaN batch skipped, re-recorded after new state, nothing leaked', () => {
      // Its own process: Dawn reads its library path at process start (src/node/backends.ts).
      const out = execFileSync(
        process.execPath,
        ['--import', 'tsx', 'src/node/step-replay-check.ts'],
        {
          encoding: 'utf8',
          timeout: 480_000,
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
      const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
        unavailable?: string;
        losses?: [number | null, number | null][];
        stateErr?: number;
        previewErr?: number;
        replay?: {
          recorded: number;
          replayed: number;
          lastFailure: string | null;
          gpuMs: number | null;
          counts: { programs: number };
        };
        profile?: { dispatches: number; unnamed: number; timed: number; programs: number };
        params?: number;
        recorder?: Record<string, unknown>;
        leakedTensors?: number;
        leakedBytes?: number;
      };
      expect(result.unavailable).toBeUndefined();
      const losses = result.losses ?? [];
      expect(losses).toHaveLength(7);
      // The same programs on the same values: identical, not merely close.
      for (const [i, [replayed, plain]] of losses.entries()) {
        if (i === 2) {
          // NaN, as JSON writes it.
          expect(replayed, 'the NaN batch').toBeNull();
          expect(plain).toBeNull();
        } else {
          expect(replayed, `step ${i + 1}`).toBe(plain);
          expect(Number.isFinite(plain ?? NaN)).toBe(true);
        }
      }
      // Losses move: each step saw its own batch, not the recorded one again.
      expect(new Set(losses.map(([l]) => l)).size).toBe(7);
      expect(result.stateErr).toBe(0);
      expect(result.previewErr).toBe(0);
      // Recorded at step 1 and again at step 5 (new Adam state); the other five replayed.
      expect(result.replay).toEqual({
        recorded: 2,
        replayed: 5,
        lastFailure: null,
        encodeMs: expect.any(Number),
        counts: {
          programs: expect.any(Number),
          copies: expect.any(Number),
          // Every weight is written in place by the update's split (direct-state-writes.ts); the
          // moments, the flat weights and the EMA come from kernels, so they are copied.
          directWrites: result.params,
        },
        // Timestamp queries bracket each replayed segment (gpu-step-timer.ts).
        gpuMs: expect.any(Number),
      });
      expect(result.replay?.gpuMs).toBeGreaterThan(0);
      // Step 7 was profiled (each dispatch timed in a pass of its own) and trained alike (stateErr
      // above); the profile names and times every program the replay dispatches.
      expect(result.profile).toEqual({
        dispatches: result.replay?.counts.programs,
        unnamed: 0,
        timed: result.profile?.programs,
        programs: expect.any(Number),
      });
      expect(result.profile?.programs).toBeGreaterThan(10);
      // The recorder alone: v ← v + x replayed with x = 10, 20, 30, then 100, 200, 300, then
      // (profiled) 1000, 2000, 3000.
      expect(result.recorder).toEqual({
        available: true,
        recorded: 'ok',
        values: [
          [1.5, 2.5, 3.5],
          [11.5, 22.5, 33.5],
          [111.5, 222.5, 333.5],
          [1111.5, 2222.5, 3333.5],
        ],
        // Three additions of three numbers: the timer may round that to 0, never below.
        gpuMs: expect.any(Number),
        profile: [['BinaryOpProgram', 1]],
        heldOutside: 'the step used a buffer that a tensor outside it still holds',
        unmarkedRead: 'the step read back something else',
      });
      expect(result.leakedTensors).toBe(0);
      expect(result.leakedBytes).toBe(0);
    }, 540_000);
  },
);
