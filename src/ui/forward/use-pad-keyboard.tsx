import { useId, useState, type KeyboardEvent } from 'react';
import { useAppStore } from '../../state/store';
import {
  PAD_KEYS_HELP,
  START_CURSOR,
  cellCentre,
  eraseAt,
  padAction,
  type PadCursor,
} from './pad-keys';

interface PadHooks {
  readonly pixels: { readonly current: Uint8Array };
  /** Paints from the pen's last point (or a dot when there is none) to `p`. */
  readonly paintTo: (p: { x: number; y: number }) => void;
  /** Sets where the pen last was (null: lifted, the next paint is a dot). */
  readonly setLast: (p: { x: number; y: number } | null) => void;
  readonly commit: () => void;
}

/**
 * The draw pad from the keyboard (pad-keys.ts): the canvas's focus and key props, the cursor drawn
 * over it, the keys explained (aria-describedby) and where the cursor is (a live status).
 */
export function usePadKeyboard({ pixels, paintTo, setLast, commit }: PadHooks) {
  const [cursor, setCursor] = useState<PadCursor>(START_CURSOR);
  const [focused, setFocused] = useState(false);
  const helpId = useId();

  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const action = padAction(cursor, e.key, e.shiftKey);
    if (!action) return;
    e.preventDefault();
    // The page's own arrow keys step t (TimestepSlider); on the pad they move the cursor only.
    e.stopPropagation();
    switch (action.kind) {
      case 'move':
        if (cursor.penDown) {
          setLast(cellCentre(cursor));
          paintTo(cellCentre(action.to));
        }
        setCursor(action.to);
        return;
      case 'pen':
        setLast(null);
        if (action.to.penDown) paintTo(cellCentre(action.to));
        setCursor(action.to);
        return;
      case 'dot':
        setLast(null);
        paintTo(cellCentre(cursor));
        return;
      case 'erase':
        eraseAt(pixels.current, cursor.x, cursor.y);
        commit();
        return;
    }
  };

  /** Starts from the digit shown as x₀ (an MNIST digit, an image), to change it. */
  const copyX0 = () => {
    const x0 = useAppStore.getState().x0;
    if (!x0) return;
    pixels.current.set(x0);
    commit();
  };

  const at = (v: number) => `${(v / 28) * 100}%`;
  return {
    canvasProps: {
      tabIndex: 0,
      role: 'application',
      'aria-roledescription': 'drawing pad',
      'aria-describedby': helpId,
      onKeyDown,
      onFocus: () => setFocused(true),
      onBlur: () => setFocused(false),
    },
    cursor: focused && (
      <div
        className={`pad-cursor${cursor.penDown ? ' down' : ''}`}
        style={{ left: at(cursor.x), top: at(cursor.y), width: at(1), height: at(1) }}
        aria-hidden="true"
        data-testid="pad-cursor"
      />
    ),
    help: (
      <>
        <p id={helpId} className="muted pad-help">
          {PAD_KEYS_HELP}
        </p>
        <span role="status" className="muted" data-testid="pad-status">
          {/* Always one line, so the buttons below do not move when the pad gains or loses focus. */}
          {focused
            ? `Cursor at column ${cursor.x + 1}, row ${cursor.y + 1}; pen ${cursor.penDown ? 'down' : 'up'}.`
            : 'Tab to the pad to draw with the keys.'}
        </span>
      </>
    ),
    copyX0,
  };
}
