/** What the Dawn check scripts (run by Vitest in their own processes) share. */
import { BackendUnavailableError, type Tf, setupNodeBackend } from './backends';

/**
 * tfjs on webgpu (Dawn) for a check script, or null after printing {"unavailable": reason} as its
 * one JSON line, so the test that runs it fails with that reason rather than a stack.
 */
export async function webgpuForCheck(): Promise<Tf | null> {
  try {
    return (await setupNodeBackend('webgpu')).tf;
  } catch (error) {
    if (!(error instanceof BackendUnavailableError)) throw error;
    process.stdout.write(`${JSON.stringify({ unavailable: error.message })}\n`);
    return null;
  }
}

/** max |ours − ref| / max(1e-3, max |ref|); Infinity when the lengths differ. */
export function maxRelErr(ours: ArrayLike<number>, ref: ArrayLike<number>): number {
  let scale = 1e-3;
  for (let i = 0; i < ref.length; i++) scale = Math.max(scale, Math.abs(ref[i] ?? 0));
  let err = ours.length === ref.length ? 0 : Infinity;
  for (let i = 0; i < ref.length; i++) {
    err = Math.max(err, Math.abs((ours[i] ?? NaN) - (ref[i] ?? NaN)) / scale);
  }
  return err;
}
