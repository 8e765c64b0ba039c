/**
 * Keeps the worker's forward run in step with the store: a new x0, schedule or noise seed starts
 * a new run (new runId); a new t asks for a frame at once, with at most one request in flight: when
 * it comes back and t has moved on, the newest t is asked for next. Replies from older runs are
 * dropped. Also records the latency from a t change to
 * its frame being on screen (performance.measure 'dp:t-to-frame') and the first frame
 * (performance.mark 'dp:first-frame').
 */
import { useAppStore, type AppState } from '../state/store';
import { IMAGE_SIZE, STRIP_COUNT } from '../shared/protocol';
import { onFrameDrawn, publishFrame } from './frame-bus';
import type { WorkerClient } from './worker-client';

export function startForwardController(client: WorkerClient): () => void {
  let runId = 0;
  let inFlight = false;
  let firstFrameMarked = false;
  const changedAt = new Map<number, number>();

  const requestFrame = () => {
    if (inFlight || runId === 0) return;
    inFlight = true;
    client.send({ type: 'forward/frame', runId, t: useAppStore.getState().t });
  };

  const configure = (s: AppState) => {
    if (!s.x0) return;
    runId += 1;
    changedAt.clear();
    changedAt.set(s.t, performance.now());
    // A request of the previous run may still be out; the worker answers them in order.
    inFlight = false;
    publishFrame('x0', { width: IMAGE_SIZE, height: IMAGE_SIZE, pixels: s.x0 });
    client.send({
      type: 'forward/config',
      runId,
      x0: s.x0.slice(),
      schedule: { kind: s.scheduleKind, T: s.T, zeroTerminalSnr: s.zeroTerminalSnr },
      noiseSeed: s.noiseSeed,
      stripCount: STRIP_COUNT,
    });
    requestFrame();
  };

  const offs = [
    client.on('forward/noise', (m) => m.runId === runId && publishFrame('noise', m.frame)),
    client.on('forward/strip', (m) => m.runId === runId && publishFrame('strip', m.frame)),
    client.on('forward/frame', (m) => {
      if (m.runId !== runId) return;
      inFlight = false;
      const start = changedAt.get(m.t);
      // The worker's share of the latency (the rest is waiting for the display frame).
      if (start !== undefined)
        performance.measure('dp:t-to-reply', { start, end: performance.now() });
      publishFrame('xt', m.frame, m.t);
      if (useAppStore.getState().t !== m.t) requestFrame();
    }),
  ];

  onFrameDrawn('xt', (_frame, t) => {
    const now = performance.now();
    if (!firstFrameMarked) {
      firstFrameMarked = true;
      performance.mark('dp:first-frame');
    }
    const start = t === null ? undefined : changedAt.get(t);
    if (start === undefined) return;
    performance.measure('dp:t-to-frame', { start, end: now });
    // Timesteps passed over while this frame was in flight will never get frames of their own.
    for (const [pending, at] of changedAt) if (at <= start) changedAt.delete(pending);
  });

  const unsubscribe = useAppStore.subscribe((s, prev) => {
    if (
      s.x0 !== prev.x0 ||
      s.scheduleKind !== prev.scheduleKind ||
      s.T !== prev.T ||
      s.zeroTerminalSnr !== prev.zeroTerminalSnr ||
      s.noiseSeed !== prev.noiseSeed
    ) {
      configure(s);
    } else if (s.t !== prev.t) {
      if (!changedAt.has(s.t)) changedAt.set(s.t, performance.now());
      requestFrame();
    }
  });
  configure(useAppStore.getState());

  return () => {
    offs.forEach((off) => off());
    onFrameDrawn('xt', null);
    unsubscribe();
  };
}
