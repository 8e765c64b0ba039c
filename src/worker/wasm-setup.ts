/**
 * Registers tfjs' WebAssembly backend with the binaries Vite copied into the build. Kept apart
 * from the backend choice so the thread set-up lives in one place.
 */
import type * as TfCore from '@tensorflow/tfjs-core';

export async function registerWasm(tf: typeof TfCore): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const { wasmPaths } = await import('./wasm-paths');
  // The threaded build breaks under Vite bundling; SIMD alone works.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  wasm.setWasmPaths(wasmPaths);
}
