import type { UNetConfig } from './config';

/** A tiny UNet for tests: every block type (attention included) at a fraction of the cost. */
export const MICRO: UNetConfig = {
  preset: 'custom',
  channels: [8, 16, 16],
  blocksPerLevel: 1,
  timeEmbedDim: 32,
  groups: 4,
  attention: true,
  numClasses: 10,
};
