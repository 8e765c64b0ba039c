/** Registers the app's parts in the shared link and applies the address (state/link-sync.ts). */
import { registerForwardLink, registerSampleLink, registerTrainLink } from '../state/app-links';
import { registerCreateLink } from '../state/create-link';
import { registerLab2dLink } from '../state/lab2d-link';
import { startLinkSync } from '../state/link-sync';
import { pickDigit } from './app-client';
import { registerDigitLink } from './digit-link';

export function startAppLink(): void {
  registerForwardLink();
  registerDigitLink((label, index) => void pickDigit(label, index));
  registerTrainLink();
  registerSampleLink();
  registerCreateLink();
  registerLab2dLink();
  startLinkSync();
}
