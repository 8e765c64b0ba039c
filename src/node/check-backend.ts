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
