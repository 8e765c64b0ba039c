/// <reference lib="webworker" />
/**
 * The 2-D lab's own module worker: its models are tiny and independent of the image lab's, so
 * they train here without waiting on (or slowing) the main worker's jobs.
 */
import type { FromLab2d, ToLab2d } from '../shared/lab2d-protocol';
import { withRetries } from '../shared/retry';
import { Lab2dJob } from './lab2d-job';

declare const self: DedicatedWorkerGlobalScope;

const job = new Lab2dJob(
  (message: FromLab2d, transfer: Transferable[] = []) => self.postMessage(message, transfer),
  () => withRetries(() => import('./lab2d-models')),
);

self.onmessage = (event: MessageEvent<ToLab2d>) => {
  void job.handle(event.data);
};
