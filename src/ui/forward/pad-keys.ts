/**
 * The draw pad without a mouse: a cursor on the 28×28 grid moved by the arrow keys, a pen that
 * Space puts down and lifts (moving with it down draws), Enter for a dot, X to erase under the
 * cursor. Pure: the pad's component keeps the pixels and calls these.
 */
import { IMAGE_SIZE } from '../../shared/protocol';

export interface PadCursor {
  readonly x: number;
  readonly y: number;
  readonly penDown: boolean;
}

export const START_CURSOR: PadCursor = { x: 14, y: 14, penDown: false };

/** What a key does on the pad, or null for keys it leaves alone (Tab, letters, …). */
export type PadAction =
  | { readonly kind: 'move'; readonly to: PadCursor }
  | { readonly kind: 'pen'; readonly to: PadCursor }
  | { readonly kind: 'dot' }
  | { readonly kind: 'erase' };

const MOVES: Record<string, readonly [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

/** Shift moves this many pixels at a time. */
export const FAST_MOVE = 4;

const clamp = (v: number) => Math.max(0, Math.min(IMAGE_SIZE - 1, v));

export function padAction(cursor: PadCursor, key: string, shift: boolean): PadAction | null {
  const move = MOVES[key];
  if (move) {
    const k = shift ? FAST_MOVE : 1;
    return {
      kind: 'move',
      to: { ...cursor, x: clamp(cursor.x + move[0] * k), y: clamp(cursor.y + move[1] * k) },
    };
  }
  if (key === ' ') return { kind: 'pen', to: { ...cursor, penDown: !cursor.penDown } };
  if (key === 'Enter') return { kind: 'dot' };
  if (key === 'x' || key === 'X' || key === 'Delete' || key === 'Backspace')
    return { kind: 'erase' };
  return null;
}

/** The pen's point for a cursor cell: its centre, in pixel units. */
export function cellCentre(c: { x: number; y: number }): { x: number; y: number } {
  return { x: c.x + 0.5, y: c.y + 0.5 };
}

/** Clears the 3×3 pixels around (x, y): the eraser is about as wide as the pen. */
export function eraseAt(pixels: Uint8Array, x: number, y: number): void {
  for (let dy = -1; dy <= 1; dy++)
    for (let dx = -1; dx <= 1; dx++) {
      const px = x + dx;
      const py = y + dy;
      if (px >= 0 && py >= 0 && px < IMAGE_SIZE && py < IMAGE_SIZE)
        pixels[py * IMAGE_SIZE + px] = 0;
    }
}

export const PAD_KEYS_HELP =
  'Keyboard: arrow keys move the cursor (Shift: 4 pixels), Space puts the pen down or lifts it (moving with it down draws), Enter draws a dot, X erases under the cursor.';
