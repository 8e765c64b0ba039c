/**
 * The bench page: hands the URL's settings to a module worker, as the app runs tfjs, and leaves
 * the outcome on `window.benchOutcome` for the driver to read.
 */
import type { BenchOutcome, BenchRequest } from './protocol';

const params = new URLSearchParams(window.location.search);
const request: BenchRequest = {
  batch: Number(params.get('batch') ?? 32),
  warmup: Number(params.get('warmup') ?? 2),
  steps: Number(params.get('steps') ?? 8),
};
const status = document.getElementById('status');
const done = (outcome: BenchOutcome) => {
  (window as unknown as { benchOutcome: BenchOutcome }).benchOutcome = outcome;
  if (status) status.textContent = outcome.ok ? 'done' : `failed: ${outcome.error}`;
};
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (e: MessageEvent<BenchOutcome>) => done(e.data);
worker.onerror = (e) => done({ ok: false, error: e.message || 'the worker failed to start' });
worker.postMessage(request);
