import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useHelpStore } from '../../state/help-store';
import { TOUR_STEPS, type TourTab } from './tour-steps';

interface Rect {
  readonly top: number;
  readonly left: number;
  readonly width: number;
  readonly height: number;
}

/** Switches the app's tab as the learner would, with a click on it. */
function showTab(tab: TourTab): void {
  const button = document.getElementById(`tab-${tab}`);
  if (button?.getAttribute('aria-selected') !== 'true') button?.click();
}

function findAnchor(selectors: readonly string[]): Element | null {
  for (const s of selectors) {
    const el = document.querySelector(s);
    if (el) return el;
  }
  return null;
}

const sameRect = (a: Rect | null, b: Rect | null) =>
  a === b ||
  (a !== null &&
    b !== null &&
    a.top === b.top &&
    a.left === b.left &&
    a.width === b.width &&
    a.height === b.height);

/**
 * Follows the step's element: scrolls it into view once it exists (a tab's parts load lazily)
 * and tracks its box every frame, so the ring stays on it while the page reflows.
 */
function useAnchorRect(selectors: readonly string[] | null): Rect | null {
  const [rect, setRect] = useState<Rect | null>(null);
  useEffect(() => {
    if (!selectors) return;
    let frame = 0;
    let scrolled: Element | null = null;
    const track = () => {
      const el = findAnchor(selectors);
      if (el && el !== scrolled) {
        el.scrollIntoView({ block: 'center', inline: 'nearest' });
        scrolled = el;
      }
      const r = el?.getBoundingClientRect();
      const next = r ? { top: r.top, left: r.left, width: r.width, height: r.height } : null;
      setRect((prev) => (sameRect(prev, next) ? prev : next));
      frame = requestAnimationFrame(track);
    };
    frame = requestAnimationFrame(track);
    return () => cancelAnimationFrame(frame);
  }, [selectors]);
  return selectors ? rect : null;
}

/**
 * The guided tour: a non-modal dialog (the learner may use the page it points at) with Back,
 * Next and Skip; Escape skips. Each step switches to its tab, rings the element it talks about
 * and may act live (move t, run a sample). Focus moves into the dialog and goes back afterwards.
 */
export function Tour() {
  const index = useHelpStore((s) => s.tourStep);
  const setStep = useHelpStore((s) => s.setTourStep);
  const endTour = useHelpStore((s) => s.endTour);
  const step = index === null ? undefined : TOUR_STEPS[index];
  const titleRef = useRef<HTMLHeadingElement>(null);
  const returnTo = useRef<Element | null>(null);
  const rect = useAnchorRect(step?.anchor ?? null);
  const open = step !== undefined;

  // Where focus was before the tour, to return it there (or to the header's Tour button).
  useLayoutEffect(() => {
    if (!open) return;
    returnTo.current = document.activeElement;
    return () => {
      const back = returnTo.current;
      const target =
        back instanceof HTMLElement && back !== document.body && back.isConnected
          ? back
          : document.querySelector<HTMLElement>('[data-testid="tour-button"]');
      target?.focus();
    };
  }, [open]);

  useEffect(() => {
    if (!step) return;
    showTab(step.tab);
    // Into the dialog when it opens; after that focus stays on the button that was pressed.
    if (!titleRef.current?.closest('[role="dialog"]')?.contains(document.activeElement))
      titleRef.current?.focus();
    return step.action?.();
  }, [step]);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      // The glossary, opened from a term in the tour, closes first.
      if (e.key !== 'Escape' || useHelpStore.getState().glossary) return;
      e.preventDefault();
      endTour();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open, endTour]);

  if (!step || index === null) return null;
  const last = index === TOUR_STEPS.length - 1;
  return (
    <>
      {rect && (
        <div
          className="tour-ring"
          aria-hidden="true"
          data-testid="tour-ring"
          style={{
            top: rect.top - 6,
            left: rect.left - 6,
            width: rect.width + 12,
            height: rect.height + 12,
          }}
        />
      )}
      <div
        className="tour card"
        role="dialog"
        aria-modal="false"
        aria-labelledby="tour-title"
        aria-describedby="tour-body"
        data-testid="tour"
      >
        <p className="muted tour-count" data-testid="tour-count" aria-live="polite">
          Step {index + 1} of {TOUR_STEPS.length}
          <span className="visually-hidden">: {step.title}</span>
        </p>
        <h2 id="tour-title" ref={titleRef} tabIndex={-1}>
          {step.title}
        </h2>
        <div id="tour-body">{step.body()}</div>
        <div className="row wrap tour-buttons">
          <button
            type="button"
            disabled={index === 0}
            title="Go back one step"
            onClick={() => setStep(index - 1)}
          >
            Back
          </button>
          <button
            type="button"
            className="primary"
            title={last ? 'Close the tour' : 'Go to the next step'}
            onClick={() => (last ? endTour() : setStep(index + 1))}
          >
            {last ? 'Finish' : 'Next'}
          </button>
          <button
            type="button"
            title="Close the tour now (Escape); “Tour” in the header replays it"
            onClick={endTour}
          >
            Skip tour
          </button>
        </div>
      </div>
    </>
  );
}
