import { describe, expect, it } from 'vitest';
import { IMAGE_SIZE } from '../../shared/protocol';
import { START_CURSOR, eraseAt, padAction } from './pad-keys';

describe('the draw pad from the keyboard', () => {
  it('arrows move the cursor, Shift by 4, never off the 28×28 grid', () => {
    expect(padAction(START_CURSOR, 'ArrowRight', false)).toEqual({
      kind: 'move',
      to: { x: 15, y: 14, penDown: false },
    });
    expect(padAction(START_CURSOR, 'ArrowUp', true)).toEqual({
      kind: 'move',
      to: { x: 14, y: 10, penDown: false },
    });
    expect(padAction({ x: 27, y: 0, penDown: true }, 'ArrowRight', true)).toEqual({
      kind: 'move',
      to: { x: 27, y: 0, penDown: true },
    });
  });
  it('Space toggles the pen, Enter dots, X and Delete erase, other keys pass', () => {
    expect(padAction(START_CURSOR, ' ', false)).toEqual({
      kind: 'pen',
      to: { ...START_CURSOR, penDown: true },
    });
    expect(padAction(START_CURSOR, 'Enter', false)).toEqual({ kind: 'dot' });
    expect(padAction(START_CURSOR, 'x', false)).toEqual({ kind: 'erase' });
    expect(padAction(START_CURSOR, 'Delete', false)).toEqual({ kind: 'erase' });
    expect(padAction(START_CURSOR, 'Tab', false)).toBeNull();
  });
  it('erasing clears the 3×3 pixels around the cursor only', () => {
    const pixels = new Uint8Array(IMAGE_SIZE * IMAGE_SIZE).fill(255);
    eraseAt(pixels, 0, 0);
    expect(pixels.filter((v) => v === 0)).toHaveLength(4);
    eraseAt(pixels, 10, 10);
    expect(pixels.filter((v) => v === 0)).toHaveLength(13);
    expect(pixels[10 * IMAGE_SIZE + 12]).toBe(255);
  });
});
