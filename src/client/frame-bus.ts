/**
 * Frames bypass React: producers put the newest frame on a channel, and one requestAnimationFrame
 * loop hands each changed channel to its canvas once per display frame. Older frames are dropped.
 */
import type { GrayFrame } from '../shared/protocol';

export type Channel =
  | 'x0'
  | 'noise'
  | 'xt'
  | 'strip'
  | 'preview'
  | 'sample-xt'
  | 'sample-x0'
  | 'compare-a'
  | 'compare-b'
  | 'create-xt'
  | 'create-x0';
/** `meta` travels with a frame, e.g. the timestep x_t was computed for. */
type Drawer = (frame: GrayFrame, meta: number | null) => void;

interface Slot {
  frame: GrayFrame | null;
  meta: number | null;
  dirty: boolean;
  drawers: Set<Drawer>;
  /** Called after the frame reached the canvases (latency measurement). */
  onDrawn: ((frame: GrayFrame, meta: number | null) => void) | null;
}

const slots = new Map<Channel, Slot>();
let scheduled = false;

function slot(channel: Channel): Slot {
  let s = slots.get(channel);
  if (!s)
    slots.set(
      channel,
      (s = { frame: null, meta: null, dirty: false, drawers: new Set(), onDrawn: null }),
    );
  return s;
}

function flush(): void {
  scheduled = false;
  for (const s of slots.values()) {
    if (!s.dirty || !s.frame || s.drawers.size === 0) continue;
    s.dirty = false;
    const frame = s.frame;
    s.drawers.forEach((draw) => draw(frame, s.meta));
    s.onDrawn?.(frame, s.meta);
  }
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(flush);
}

export function publishFrame(channel: Channel, frame: GrayFrame, meta: number | null = null): void {
  const s = slot(channel);
  s.frame = frame;
  s.meta = meta;
  s.dirty = true;
  schedule();
}

export function latestFrame(channel: Channel): { frame: GrayFrame; meta: number | null } | null {
  const { frame, meta } = slot(channel);
  return frame ? { frame, meta } : null;
}

export function subscribeFrames(channel: Channel, draw: Drawer): () => void {
  const s = slot(channel);
  s.drawers.add(draw);
  if (s.frame) {
    s.dirty = true;
    schedule();
  }
  return () => s.drawers.delete(draw);
}

export function onFrameDrawn(
  channel: Channel,
  callback: ((frame: GrayFrame, meta: number | null) => void) | null,
): void {
  slot(channel).onDrawn = callback;
}
