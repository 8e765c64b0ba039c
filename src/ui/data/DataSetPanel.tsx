import { useEffect, useState, type DragEvent } from 'react';
import {
  chooseDataSet,
  deleteDataSet,
  importDataSet,
  refreshDataSets,
} from '../../client/dataset-client';
import { MNIST_NAME, type ImportKind } from '../../shared/dataset-protocol';
import { useDataSetStore } from '../../state/dataset-store';
import { useAppStore } from '../../state/store';
import { DataSetGrid } from './DataSetGrid';
import { droppedFiles, type NamedFile } from './dropped-files';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Which images the model learns from: the shipped MNIST digits, or the learner's own (a zip or a
 * folder of images, labelled by sub-folder; IDX files as MNIST, Fashion-MNIST, KMNIST and EMNIST come).
 */
export function DataSetPanel() {
  const active = useDataSetStore((s) => s.active);
  const sets = useDataSetStore((s) => s.sets);
  const training = useAppStore((s) => s.trainStatus === 'running');
  const trainedOn = useAppStore((s) => s.model?.settings.dataset ?? (s.model ? MNIST_NAME : null));
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    refreshDataSets().catch(() => undefined);
  }, []);
  const name = active?.name ?? MNIST_NAME;

  const run = (doing: string, work: () => Promise<unknown>) => {
    setBusy(doing);
    setProblem(null);
    work()
      .catch((e: unknown) => setProblem(message(e)))
      .finally(() => setBusy(null));
  };
  const upload = (kind: ImportKind, files: readonly NamedFile[]) => {
    const first = files[0];
    if (!first) return;
    const names =
      kind === 'folder'
        ? `“${first.name.split('/')[0] ?? ''}” (${files.length.toLocaleString('en')} files)`
        : files.map((f) => `“${f.name}”`).join(' and ');
    run(`Reading ${names}…`, () =>
      importDataSet(kind, files, (done, total) =>
        setBusy(
          `Decoding ${names}: ${done.toLocaleString('en')} of ${total.toLocaleString('en')} images…`,
        ),
      ),
    );
  };
  const pick = (kind: ImportKind, input: HTMLInputElement) => {
    const list = Array.from(input.files ?? []);
    input.value = '';
    // A browser lists no files for an empty folder (a cancelled dialog fires no change).
    if (kind === 'folder' && list.length === 0) setProblem('The chosen folder has no files.');
    // A folder's files carry their path from the chosen folder's name on.
    upload(
      kind,
      list.map((f) => ({ name: (kind === 'folder' && f.webkitRelativePath) || f.name, blob: f })),
    );
  };
  const locked = busy !== null || training;
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (locked) return;
    // Taken now: the browser empties the list once the event is over.
    const entries = Array.from(e.dataTransfer.items, (item) => item.webkitGetAsEntry());
    droppedFiles(entries, Array.from(e.dataTransfer.files))
      .then((d) => (d.kind === 'other' ? setProblem(d.problem) : upload(d.kind, d.files)))
      .catch((error: unknown) => setProblem(message(error)));
  };

  return (
    <section
      className={dragging ? 'card data-set dragging' : 'card data-set'}
      aria-label="Data set"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <h3>
        Data set: <span data-testid="dataset-name">{name}</span>
      </h3>
      <p className="muted">
        The images the model learns from and the forward tab shows. Your own are decoded in this tab
        and kept in this browser; nothing is uploaded. A folder or a zip can also be dropped on this
        card.
      </p>
      <div className="row wrap">
        <label title="The data set training and the forward tab use">
          Train on
          <select
            value={name}
            disabled={locked}
            aria-label="Train on"
            title="Which images training, the forward tab and the quality meter use"
            onChange={(e) => {
              const next = e.target.value;
              run(`Opening “${next}”…`, () => chooseDataSet(next));
            }}
          >
            {(sets.length > 0 ? sets.map((s) => s.name) : [name]).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        {name !== MNIST_NAME && (
          <button
            type="button"
            disabled={locked}
            title="Remove this data set from this browser"
            onClick={() => run(`Deleting “${name}”…`, () => deleteDataSet(name))}
          >
            Delete data set
          </button>
        )}
      </div>
      <div className="row wrap">
        <label
          className="file-button"
          title="A zip of PNG, JPEG, GIF, WebP or BMP images; images in sub-folders take the folder's name as their label (at most 10)"
        >
          Zip of images
          <input
            type="file"
            accept=".zip,application/zip"
            data-testid="dataset-zip"
            title="Add a data set from a zip of images; sub-folder names become the labels"
            disabled={locked}
            onChange={(e) => pick('zip', e.target)}
          />
        </label>
        <label
          className="file-button"
          title="A folder of PNG, JPEG, GIF, WebP or BMP images; images in sub-folders take the folder's name as their label (at most 10); other files are skipped"
        >
          Folder of images
          <input
            type="file"
            multiple
            // Not in React's types: the browser's folder picker (Chrome, Edge, Firefox, Safari).
            ref={(el) => el?.setAttribute('webkitdirectory', '')}
            data-testid="dataset-folder"
            title="Add a data set from a folder of images; sub-folder names become the labels"
            disabled={locked}
            onChange={(e) => pick('folder', e.target)}
          />
        </label>
        <label
          className="file-button"
          title="IDX files as MNIST, Fashion-MNIST, KMNIST and EMNIST come (…-images-idx3-ubyte and, optionally, …-labels-idx1-ubyte; .gz is fine): choose both at once"
        >
          IDX files
          <input
            type="file"
            multiple
            data-testid="dataset-idx"
            title="Add a data set from IDX files (the MNIST format: images and labels, gzip too)"
            disabled={locked}
            onChange={(e) => pick('idx', e.target)}
          />
        </label>
      </div>
      {busy && (
        <p className="muted" role="status">
          {busy}
        </p>
      )}
      {problem && (
        <p className="field-error" role="alert" data-testid="dataset-error">
          {problem} Nothing was changed.
        </p>
      )}
      {trainedOn && trainedOn !== name && (
        <p className="muted" data-testid="dataset-model-note">
          The current model was trained on “{trainedOn}”.
        </p>
      )}
      {active && <DataSetGrid info={active} />}
    </section>
  );
}
