/** Reports a lost WebGPU device (driver reset, GPU removed, OOM) instead of failing silently. */
import type * as TfCore from '@tensorflow/tfjs-core';

type Tf = typeof TfCore;

export function watchDeviceLoss(tf: Tf, onLost: (message: string) => void): void {
  const backend = tf.backend() as unknown as { device?: GPUDevice };
  const device = backend.device;
  if (!device) return;
  void device.lost.then((info) => {
    // 'destroyed' is our own dispose, not a loss.
    if (info.reason === 'destroyed') return;
    onLost(
      `The WebGPU device was lost (${info.message || 'no reason given'}); switching to WebGL.`,
    );
  });
}
