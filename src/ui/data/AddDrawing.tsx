import { useId, useState } from 'react';
import { addDrawing } from '../../client/dataset-client';
import { DRAWN_NAME, type DataSetInfo } from '../../shared/dataset-protocol';
import { useAppStore } from '../../state/store';

const LABEL_HINT =
  'The label of this drawing in your set (at most 10 labels); leave empty for none';
const DESCRIPTION = `Adds the drawing on the pad to your data set “${DRAWN_NAME}”, which the Train tab can train on.`;

/** Builds a data set one drawing at a time: the pad's x₀ with an optional label. */
export function AddDrawing() {
  const id = useId();
  const drawn = useAppStore((s) => (s.x0Source?.kind === 'drawn' ? s.x0 : null));
  const [label, setLabel] = useState('');
  const [result, setResult] = useState<DataSetInfo | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const add = () => {
    if (!drawn) return;
    setProblem(null);
    addDrawing(drawn, label.trim() === '' ? null : label.trim())
      .then(setResult)
      .catch((e: unknown) => setProblem(e instanceof Error ? e.message : String(e)));
  };
  return (
    <div className="row wrap add-drawing">
      <label title={LABEL_HINT}>
        Label
        <input
          type="text"
          value={label}
          maxLength={20}
          size={6}
          aria-label="Drawing label"
          aria-description={LABEL_HINT}
          onChange={(e) => setLabel(e.target.value)}
        />
      </label>
      <button
        type="button"
        title={DESCRIPTION}
        aria-describedby={`${id}-d`}
        disabled={!drawn}
        onClick={add}
      >
        Add to my drawn set
      </button>
      <span id={`${id}-d`} className="visually-hidden">
        {DESCRIPTION}
      </span>
      <span role="status" data-testid="drawn-set-status">
        {result &&
          `“${result.name}” has ${result.count} ${result.count === 1 ? 'drawing' : 'drawings'} (${result.perClass
            .map((n, c) => `${result.classNames[c] ?? c}: ${n}`)
            .join(' · ')}); train on it under “2 · Train a denoiser” → Data set.`}
      </span>
      {problem && (
        <span className="field-error" role="alert">
          {problem}
        </span>
      )}
    </div>
  );
}
