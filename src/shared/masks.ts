/** Inpainting masks on 28×28 images: 1 where the model paints, 0 where the image is kept. */
import { IMAGE_PIXELS, IMAGE_SIZE } from './protocol';

export const MASK_PRESETS = ['top', 'bottom', 'left', 'right'] as const;
export type MaskPreset = (typeof MASK_PRESETS)[number];

export function isMaskPreset(value: string): value is MaskPreset {
  return (MASK_PRESETS as readonly string[]).includes(value);
}

/** That half of the image erased. */
export function presetMask(preset: MaskPreset): Uint8Array {
  const half = IMAGE_SIZE / 2;
  return Uint8Array.from({ length: IMAGE_PIXELS }, (_, i) => {
    const x = i % IMAGE_SIZE;
    const y = Math.floor(i / IMAGE_SIZE);
    const inside =
      preset === 'top'
        ? y < half
        : preset === 'bottom'
          ? y >= half
          : preset === 'left'
            ? x < half
            : x >= half;
    return inside ? 1 : 0;
  });
}

export function invertMask(mask: Uint8Array): Uint8Array {
  return mask.map((m) => (m === 0 ? 1 : 0));
}

export function maskedCount(mask: Uint8Array): number {
  return mask.reduce((n, m) => n + (m === 0 ? 0 : 1), 0);
}
