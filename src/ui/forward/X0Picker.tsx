import { useState } from 'react';
import { loadImageFile, pickDigit } from '../../client/app-client';
import type { DataSetInfo } from '../../shared/dataset-protocol';
import { useDataSetStore } from '../../state/dataset-store';
import { useAppStore, type X0Source } from '../../state/store';
import { AddDrawing } from '../data/AddDrawing';
import { DrawPad } from './DrawPad';

type Tab = 'mnist' | 'draw' | 'upload';

function describe(source: X0Source | null, set: DataSetInfo | null): string {
  if (!source) return 'loading digits…';
  switch (source.kind) {
    case 'mnist':
      // The learner's own data set, when one is in use (ui/data).
      if (set && set.source !== 'mnist') {
        return `${set.name}: “${set.classNames[source.label] ?? source.label}” #${source.index}`;
      }
      return `MNIST digit ${source.label}, #${source.index}`;
    case 'drawn':
      return 'your drawing';
    case 'upload':
      return `uploaded “${source.name}”`;
  }
}

/** Where x0 comes from: an MNIST digit by class and index, a drawing, or an image file. */
/** What each way of choosing x₀ does, for its tooltip and accessible description. */
const SOURCE_HINTS = {
  mnist: 'Use a real handwritten digit from MNIST',
  draw: 'Draw your own digit with the mouse, a finger or the keyboard',
  upload: 'Use any image from your device, scaled to 28×28',
} as const;

export function X0Picker() {
  const [tab, setTab] = useState<Tab>('mnist');
  const source = useAppStore((s) => s.x0Source);
  const dataSet = useDataSetStore((s) => s.active);
  const data = useAppStore((s) => s.data);
  const [label, setLabel] = useState(source?.kind === 'mnist' ? source.label : 7);
  const [index, setIndex] = useState(source?.kind === 'mnist' ? source.index : 0);
  // Set by typing an index, cleared by asking for a digit: a reply to an earlier request for the
  // same class must not overwrite an index typed after it.
  const [typed, setTyped] = useState(false);
  // The fields follow the digit on screen (a random pick, a shared link), not only typing.
  const [shown, setShown] = useState(source);
  if (source !== shown) {
    setShown(source);
    if (source?.kind === 'mnist' && !(typed && source.label === label)) {
      setLabel(source.label);
      setIndex(source.index);
    }
  }
  const show = (l: number | null, i: number | null) => {
    setTyped(false);
    void pickDigit(l, i);
  };
  const count = data.status === 'ready' ? (data.perClass[label] ?? 1) : 1;

  return (
    <section className="card x0-picker" aria-label="Choose x0">
      <h3>
        x₀: <span data-testid="x0-source">{describe(source, dataSet)}</span>
      </h3>
      <div className="tabs" role="tablist">
        {(['mnist', 'draw', 'upload'] as const).map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            title={SOURCE_HINTS[t]}
            onClick={() => setTab(t)}
          >
            {t === 'mnist' ? 'MNIST digit' : t === 'draw' ? 'Draw' : 'Image file'}
          </button>
        ))}
      </div>
      {tab === 'mnist' && (
        <div className="row wrap">
          <label>
            Class
            <select
              value={label}
              onChange={(e) => {
                // The digit follows the class at once (the index kept where that class has it).
                const next = Number(e.target.value);
                const per = data.status === 'ready' ? (data.perClass[next] ?? 1) : 1;
                const at = Math.min(index, per - 1);
                setLabel(next);
                setIndex(at);
                if (data.status === 'ready') show(next, at);
              }}
              aria-label="Digit class"
              title="Which digit to show; it changes at once"
            >
              {Array.from({ length: 10 }, (_, d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </label>
          <label>
            Index
            <input
              type="number"
              min={0}
              max={count - 1}
              value={index}
              aria-label="Digit index"
              title="Which example of that digit (Enter or Show to display it)"
              onChange={(e) => {
                setTyped(true);
                setIndex(Math.max(0, Math.min(count - 1, Math.floor(Number(e.target.value) || 0))));
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && data.status === 'ready') show(label, index);
              }}
            />
          </label>
          <span className="muted">of {count}</span>
          <button
            type="button"
            disabled={data.status !== 'ready'}
            title="Show the digit of this class and index"
            onClick={() => show(label, index)}
          >
            Show
          </button>
          <button
            type="button"
            disabled={data.status !== 'ready'}
            title="Show any digit picked at random"
            onClick={() => show(null, null)}
          >
            Random digit
          </button>
        </div>
      )}
      {tab === 'draw' && (
        <>
          <DrawPad />
          <AddDrawing />
        </>
      )}
      {tab === 'upload' && (
        <label className="upload">
          Any image (it is scaled to 28×28 grayscale; dark-on-light is inverted to MNIST's
          light-on-dark)
          <input
            type="file"
            accept="image/*"
            data-testid="x0-file"
            title="Pick an image from your device to use as x₀"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void loadImageFile(file);
            }}
          />
        </label>
      )}
    </section>
  );
}
