import { startApp } from './client/app-client';

// The worker (and with it the MNIST download) starts before React and the UI are even parsed;
// the UI arrives as its own chunk.
startApp();
void import('./ui/mount').then(({ mount }) => mount());
