import { useEffect } from 'react';
import { useAppStore } from '../../state/store';

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return target.type !== 'range';
  return (
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    target.isContentEditable
  );
}

/** The timestep slider 0..T−1; arrow keys step t anywhere on the page (Shift: by 10). */
export function TimestepSlider() {
  const t = useAppStore((s) => s.t);
  const T = useAppStore((s) => s.T);
  const { setTimestep, stepTimestep } = useAppStore.getState();

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || (e.target instanceof HTMLInputElement && e.target.type === 'range'))
        return;
      const step = e.shiftKey ? 10 : 1;
      if (e.key === 'ArrowRight' || e.key === 'ArrowUp') stepTimestep(step);
      else if (e.key === 'ArrowLeft' || e.key === 'ArrowDown') stepTimestep(-step);
      else if (e.key === 'Home') setTimestep(0);
      else if (e.key === 'End') setTimestep(Number.MAX_SAFE_INTEGER);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setTimestep, stepTimestep]);

  return (
    <div className="slider-row">
      <label htmlFor="timestep">
        t = <output data-testid="t-value">{t}</output>
      </label>
      <input
        id="timestep"
        type="range"
        min={0}
        max={T - 1}
        step={1}
        value={t}
        aria-label="Timestep t"
        title="Drag, or press the arrow keys anywhere (Shift: by 10), to move t from 0 to T−1"
        data-testid="t-slider"
        onChange={(e) => setTimestep(Number(e.target.value))}
      />
      <span className="muted">T − 1 = {T - 1}</span>
    </div>
  );
}
