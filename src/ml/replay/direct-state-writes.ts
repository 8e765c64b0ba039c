/**
 * A recorded step writes each new weight twice: the update's split copies a piece of the flat
 * result into a fresh buffer, and the replay's last commands copy that buffer into the one the
 * weight lives in (recorded-step-webgpu.ts). Where that copy is the last command to touch the
 * fresh buffer, and nothing touches the weight's own buffer after it, the copy can write the
 * weight directly: for the UNet's 151 weights, 151 fewer copies a step. Buffers are judged by
 * every command that touches them (a copy or a bind group, which may read or write):
 * conservative, so a step this does not understand keeps both copies. The fresh buffer stays
 * the recording's: earlier in the step it served as other tensors (the pool reuses buffers).
 */
import type { Command, Segment, StateSlot } from './recorded-step';

interface Touch {
  readonly segment: number;
  readonly index: number;
}

type CopyCommand = Extract<Command, { kind: 'copy' }>;

/**
 * Rewrites, in the last segment, each whole-buffer copy into a slot's `written` buffer that can go
 * straight to its `read` buffer; returns the slots so handled (they need no copy at the end).
 */
export function redirectStateWrites(
  segments: readonly Segment[],
  slots: readonly StateSlot[],
  bound: (group: GPUBindGroup) => readonly GPUBuffer[],
): Set<StateSlot> {
  const last = segments.length - 1;
  const touches = new Map<GPUBuffer, Touch[]>();
  const touch = (b: GPUBuffer, at: Touch): void => {
    const list = touches.get(b);
    if (list) list.push(at);
    else touches.set(b, [at]);
  };
  // Inputs are written, and read-backs read, outside the commands: never redirect those.
  const outside = new Set<GPUBuffer>();
  segments.forEach((s, segment) => {
    for (const b of s.inputs.values()) outside.add(b);
    if (s.readback) outside.add(s.readback);
    s.commands.forEach((c, index) => {
      if (c.kind === 'copy') {
        touch(c.src, { segment, index });
        touch(c.dst, { segment, index });
      } else if (c.kind === 'bind') {
        for (const b of bound(c.group)) touch(b, { segment, index });
      }
    });
  });
  const direct = new Set<StateSlot>();
  const commands = segments[last]?.commands;
  if (!commands) return direct;
  for (const slot of slots) {
    const { read, written } = slot;
    if (outside.has(read) || outside.has(written)) continue;
    // Touches come in command order. Earlier ones are the buffer's earlier lives in the step (the
    // recording's pool reuses buffers), which are over before the last write.
    const uses = touches.get(written) ?? [];
    const lastTouch = uses[uses.length - 1];
    if (!lastTouch || lastTouch.segment !== last) continue;
    const c = commands[lastTouch.index];
    if (!isWholeCopyInto(c, written) || c.src === read) continue;
    const later = (touches.get(read) ?? []).some(
      (t) => t.segment === last && t.index > lastTouch.index,
    );
    if (later) continue;
    commands[lastTouch.index] = { ...c, dst: read };
    direct.add(slot);
  }
  return direct;
}

function isWholeCopyInto(c: Command | undefined, dst: GPUBuffer): c is CopyCommand {
  return c?.kind === 'copy' && c.dst === dst && c.dstOffset === 0 && c.size === dst.size;
}
