import { useEffect, useRef, useState } from 'react';
import { dataSetPage } from '../../client/dataset-client';
import { GRID_PAGE, type DataSetInfo } from '../../shared/dataset-protocol';
import { drawGray } from '../components/draw-gray';

/** The set's images, a page at a time, by class, with how many each class has. */
export function DataSetGrid({ info }: { info: DataSetInfo }) {
  const [label, setLabel] = useState<number | null>(null);
  const [page, setPage] = useState(0);
  const [total, setTotal] = useState(0);
  const [failed, setFailed] = useState<string | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  // Another set: back to its first page of every class.
  const [shown, setShown] = useState(info);
  if (shown !== info) {
    setShown(info);
    setLabel(null);
    setPage(0);
  }
  useEffect(() => {
    let live = true;
    dataSetPage(label, page)
      .then(({ frame, total }) => {
        if (!live || !canvas.current) return;
        drawGray(canvas.current, frame);
        setTotal(total);
        setFailed(null);
      })
      .catch((e: unknown) => live && setFailed(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [info, label, page]);
  const pages = Math.max(1, Math.ceil(total / GRID_PAGE));
  const className = (c: number) => info.classNames[c] ?? String(c);
  return (
    <div className="data-grid">
      <p className="muted" data-testid="dataset-summary">
        {info.count.toLocaleString('en')} images ·{' '}
        {info.perClass
          .map((n, c) => ({ n, c }))
          .filter(({ n }) => n > 0)
          .map(({ n, c }) => `${className(c)}: ${n.toLocaleString('en')}`)
          .join(' · ')}
      </p>
      <p className="muted">{info.note}</p>
      <div className="row wrap">
        <label title="Show the images of one label">
          Label
          <select
            value={label ?? 'all'}
            aria-label="Show label"
            title="Show only the images of one label, or all of them"
            onChange={(e) => {
              setLabel(e.target.value === 'all' ? null : Number(e.target.value));
              setPage(0);
            }}
          >
            <option value="all">all</option>
            {info.perClass.map((n, c) =>
              n > 0 ? (
                <option key={c} value={c}>
                  {className(c)}
                </option>
              ) : null,
            )}
          </select>
        </label>
        <button
          type="button"
          disabled={page === 0}
          title="The page of images before this one"
          onClick={() => setPage(page - 1)}
        >
          Previous
        </button>
        <span className="muted" data-testid="dataset-page">
          page {page + 1} of {pages}
        </span>
        <button
          type="button"
          disabled={page + 1 >= pages}
          title="The next page of images"
          onClick={() => setPage(page + 1)}
        >
          Next
        </button>
      </div>
      {failed && <p className="field-error">{failed}</p>}
      <canvas
        ref={canvas}
        className="frame"
        width={1}
        height={1}
        role="img"
        aria-label={`Images of ${info.name}${label === null ? '' : `, label ${className(label)}`}, page ${page + 1}`}
        data-testid="dataset-grid"
      />
    </div>
  );
}
