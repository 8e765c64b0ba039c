/**
 * The learner's own data sets: imported from a zip or a folder of images or IDX files, decoded here (never on
 * the page), kept in IndexedDB, and chosen as the set that training, the forward tab's digit
 * picker and the quality meter read instead of the shipped MNIST digits. The choice survives a
 * reload. Without IndexedDB a set lives until the tab closes.
 */
import { createStore, del, get, keys, set, type UseStore } from 'idb-keyval';
import { batchFrom } from '../ml/mnist';
import { tileGrid } from '../ml/grid';
import {
  checkImageFiles,
  labelledImages,
  skippedNote,
  type ImageFiles,
} from '../ml/data/image-files';
import {
  buildImageSet,
  DataSetError,
  FIT_NOTE,
  IMAGE_AREA,
  imageSetOf,
  type ImageSet,
} from '../ml/data/image-set';
import { idxDataSet } from '../ml/data/idx';
import { zipImages } from '../ml/data/zip-images';
import {
  GRID_COLUMNS,
  GRID_PAGE,
  DRAWN_NAME,
  MNIST_NAME,
  type DataSetFromWorker,
  type DataSetInfo,
  type DataSetToWorker,
  type ImportKind,
} from '../shared/dataset-protocol';
import type { TrainSettings } from '../shared/train-protocol';
import { Dataset } from './dataset';
import { decodeToDigit } from './image-decode';

type Post = (message: DataSetFromWorker, transfer?: Transferable[]) => void;
type Answer = (
  requestId: number,
  work: () => Promise<[DataSetFromWorker, Transferable[]]>,
) => Promise<void>;

interface Stored {
  readonly info: DataSetInfo;
  readonly labels: Uint8Array;
  readonly pixels: Uint8Array;
}

const ACTIVE_KEY = 'active';
const SET_PREFIX = 'set:';

export class DataSetJob {
  private store: UseStore | null = null;
  /** Sets of this session, when IndexedDB is not usable. */
  private readonly memory = new Map<string, Stored>();
  private active: { info: DataSetInfo; dataset: Dataset } | null = null;
  private readonly restored: Promise<void>;

  constructor(
    private readonly post: Post,
    private readonly mnist: () => Promise<Dataset>,
    private readonly answer: Answer,
    /** Told when the set in use changes (the quality meter's real-image statistics go stale). */
    private readonly changed: () => void,
  ) {
    this.restored = this.restore();
  }

  private db(): UseStore | null {
    try {
      this.store ??= createStore('diffusion-playground-datasets', 'sets');
    } catch {
      this.store = null;
    }
    return this.store;
  }

  private async restore(): Promise<void> {
    try {
      const db = this.db();
      const name = db ? await get<string>(ACTIVE_KEY, db) : undefined;
      // After the shipped digits' own data/ready, so the page ends with this set's counts.
      const mnist = await this.mnist();
      if (name && name !== MNIST_NAME) await this.use(name);
      else this.post({ type: 'dataset/active', info: mnistInfo(mnist) });
    } catch {
      // A set that cannot be read back: the shipped digits, as on a first visit.
      this.active = null;
    }
  }

  /** The set in use: the learner's, or the shipped digits. */
  async current(): Promise<Dataset> {
    await this.restored;
    return this.active?.dataset ?? (await this.mnist());
  }

  async currentInfo(): Promise<DataSetInfo> {
    await this.restored;
    return this.active?.info ?? mnistInfo(await this.mnist());
  }

  /**
   * A digit for the forward tab. The learner's set may lack the class or index asked for (the
   * page's default is MNIST's 7): then its first image of the first class it has.
   */
  async pick(
    label: number | null,
    index: number | null,
  ): Promise<{ label: number; index: number; pixels: Uint8Array }> {
    const data = await this.current();
    if (!this.active) return data.pick(label, index);
    const counts = data.perClass();
    const present = counts.flatMap((n, c) => (n > 0 ? [c] : []));
    if (label === null) {
      return data.pick(present[Math.floor(Math.random() * present.length)] ?? 0, null);
    }
    const n = counts[label] ?? 0;
    if (n > 0 && (index === null || index < n)) return data.pick(label, index);
    return data.pick(present[0] ?? 0, 0);
  }

  /**
   * The settings a run starts with, naming its data set: a new model takes the set in use; a
   * model trained on another set is not trained further on this one.
   */
  async stamp(settings: TrainSettings, fresh: boolean): Promise<TrainSettings> {
    const name = (await this.currentInfo()).name;
    if (fresh) {
      const { dataset: _old, ...rest } = settings;
      return name === MNIST_NAME ? rest : { ...rest, dataset: name };
    }
    const trainedOn = settings.dataset ?? MNIST_NAME;
    if (trainedOn !== name) {
      throw new DataSetError(
        `This model was trained on “${trainedOn}” and the data set in use is “${name}”: choose “${trainedOn}” under Data set to train it further, or start a new model.`,
      );
    }
    return settings;
  }

  handle(message: DataSetToWorker): Promise<void> {
    switch (message.type) {
      case 'dataset/import':
        return this.answer(message.requestId, async () => {
          const progress = (done: number, total: number) =>
            this.post({ type: 'dataset/progress', of: message.requestId, done, total });
          const info = await this.importFiles(message.kind, message.files, progress);
          return [{ type: 'dataset/done', requestId: message.requestId, info }, []];
        });
      case 'dataset/use':
        return this.answer(message.requestId, async () => {
          const info = await this.use(message.name);
          return [{ type: 'dataset/done', requestId: message.requestId, info }, []];
        });
      case 'dataset/list':
        return this.answer(message.requestId, async () => [
          { type: 'dataset/listed', requestId: message.requestId, sets: await this.list() },
          [],
        ]);
      case 'dataset/delete':
        return this.answer(message.requestId, async () => {
          if (this.active?.info.name === message.name) await this.use(MNIST_NAME);
          const db = this.db();
          this.memory.delete(message.name);
          if (db) await del(SET_PREFIX + message.name, db).catch(() => undefined);
          const info = await this.currentInfo();
          return [{ type: 'dataset/done', requestId: message.requestId, info }, []];
        });
      case 'dataset/add-drawing':
        return this.answer(message.requestId, async () => {
          const info = await this.addDrawing(message.pixels, message.label);
          return [{ type: 'dataset/done', requestId: message.requestId, info }, []];
        });
      case 'dataset/page':
        return this.answer(message.requestId, async () => {
          const { set } = await this.current();
          const ids =
            message.label === null
              ? Array.from({ length: set.count }, (_, i) => i)
              : (set.byClass[message.label] ?? []);
          const shown = ids.slice(message.page * GRID_PAGE, (message.page + 1) * GRID_PAGE);
          const frame = tileGrid(batchFrom(set, shown).x0, 28, GRID_COLUMNS);
          return [
            { type: 'dataset/grid', requestId: message.requestId, frame, total: ids.length },
            [frame.pixels.buffer],
          ];
        });
    }
  }

  private async list(): Promise<DataSetInfo[]> {
    const db = this.db();
    const stored = new Map(this.memory);
    if (db) {
      try {
        for (const key of await keys<string>(db)) {
          if (!String(key).startsWith(SET_PREFIX)) continue;
          const s = await get<Stored>(key, db);
          if (s) stored.set(s.info.name, s);
        }
      } catch {
        // Listing what is in memory is still right.
      }
    }
    return [mnistInfo(await this.mnist()), ...[...stored.values()].map((s) => s.info)];
  }

  private async load(name: string): Promise<Stored | undefined> {
    const db = this.db();
    return this.memory.get(name) ?? (db ? await get<Stored>(SET_PREFIX + name, db) : undefined);
  }

  private async use(name: string): Promise<DataSetInfo> {
    if (name === MNIST_NAME) {
      this.active = null;
    } else {
      const stored = await this.load(name);
      if (!stored) throw new DataSetError(`There is no data set “${name}” in this browser.`);
      const built = imageSetOf(stored.pixels, stored.labels, stored.info.classNames);
      this.active = { info: stored.info, dataset: Dataset.of(built.set) };
    }
    const db = this.db();
    if (db) await set(ACTIVE_KEY, name, db).catch(() => undefined);
    // Not currentInfo(): that waits for restore(), which may be the caller.
    const info = this.active?.info ?? mnistInfo(await this.mnist());
    this.post({ type: 'dataset/active', info });
    this.changed();
    return info;
  }

  private async importFiles(
    kind: ImportKind,
    files: readonly { name: string; blob: Blob }[],
    progress: (done: number, total: number) => void,
  ): Promise<DataSetInfo> {
    const first = files[0];
    if (!first) throw new DataSetError('Choose a file first.');
    // A folder is named as the learner named it: the first part of each file's path.
    const base = kind === 'folder' ? (first.name.split('/')[0] ?? first.name) : first.name;
    const built =
      kind === 'zip'
        ? await fromZip(first, progress)
        : kind === 'folder'
          ? await decodeImages(
              labelledImages(files.map((f) => ({ path: f.name, data: f.blob }))),
              `“${base}”`,
              progress,
            )
          : await fromIdx(files);
    const name = await this.freeName(base);
    const info: DataSetInfo = {
      name,
      source: kind,
      count: built.set.set.count,
      perClass: built.set.set.byClass
        .map((ids) => ids.length)
        .slice(0, built.set.classNames.length),
      classNames: built.set.classNames,
      note: built.note,
    };
    await this.save({ info, labels: built.set.set.labels, pixels: built.set.set.pixels });
    return await this.use(name);
  }

  /** One more image in the drawn set; the set in use stays what it was (rebuilt if it is this one). */
  private async addDrawing(pixels: Uint8Array, label: string | null): Promise<DataSetInfo> {
    if (pixels.length !== IMAGE_AREA) throw new DataSetError('A drawing is 28×28 pixels.');
    if (pixels.every((v) => v === 0))
      throw new DataSetError('The pad is empty: draw something first.');
    const before = await this.load(DRAWN_NAME);
    const names = before
      ? Array.from(before.labels, (c) =>
          before.info.classNames.length === 1 && before.info.classNames[0] === 'all'
            ? null
            : (before.info.classNames[c] ?? null),
        )
      : [];
    const all = new Uint8Array((names.length + 1) * IMAGE_AREA);
    if (before) all.set(before.pixels);
    all.set(pixels, names.length * IMAGE_AREA);
    const built = buildImageSet(all, [...names, label], `“${DRAWN_NAME}”`);
    const info: DataSetInfo = {
      name: DRAWN_NAME,
      source: 'drawn',
      count: built.set.count,
      perClass: built.set.byClass.map((ids) => ids.length).slice(0, built.classNames.length),
      classNames: built.classNames,
      note: 'Drawn on the forward tab’s pad, 28×28 as drawn.',
    };
    await this.save({ info, labels: built.set.labels, pixels: built.set.pixels });
    if (this.active?.info.name === DRAWN_NAME) await this.use(DRAWN_NAME);
    return info;
  }

  /** In IndexedDB, or in memory for this session when it is not usable. */
  private async save(stored: Stored): Promise<void> {
    const db = this.db();
    try {
      if (!db) throw new Error('no IndexedDB');
      await set(SET_PREFIX + stored.info.name, stored, db);
    } catch {
      this.memory.set(stored.info.name, stored);
    }
  }

  /** "shapes.zip", or "shapes.zip (2)" when a set of that name exists. */
  private async freeName(base: string): Promise<string> {
    const taken = new Set((await this.list()).map((s) => s.name));
    let name = base;
    for (let k = 2; taken.has(name); k++) name = `${base} (${k})`;
    return name;
  }
}

function mnistInfo(d: Dataset): DataSetInfo {
  return {
    name: MNIST_NAME,
    source: 'mnist',
    count: d.set.count,
    perClass: d.perClass(),
    classNames: Array.from({ length: 10 }, (_, i) => String(i)),
    note: 'The 10,000 MNIST digits this page ships with.',
  };
}

interface Built {
  readonly set: ImageSet;
  readonly note: string;
}

/** Decoded images between progress messages. */
const PROGRESS_EVERY = 250;

async function fromZip(
  file: { name: string; blob: Blob },
  progress: (done: number, total: number) => void,
): Promise<Built> {
  const found = zipImages(new Uint8Array(await file.blob.arrayBuffer()), file.name);
  return decodeImages(
    {
      images: found.images.map((i) => ({
        ...i,
        data: new Blob([i.data as BlobPart]),
      })),
      skipped: found.skipped,
    },
    `“${file.name}”`,
    progress,
  );
}

/** A zip's or a folder's images decoded into a set, with progress as they go. */
async function decodeImages(
  found: ImageFiles<Blob>,
  source: string,
  progress: (done: number, total: number) => void,
): Promise<Built> {
  checkImageFiles(found, source);
  const { images } = found;
  const pixels = new Uint8Array(images.length * IMAGE_AREA);
  for (const [i, image] of images.entries()) {
    // A folder's File has the type the system guessed (maybe none); the name says what it is.
    const blob = new Blob([image.data], { type: image.mime });
    pixels.set(await decodeToDigit(blob, image.path), i * IMAGE_AREA);
    if ((i + 1) % PROGRESS_EVERY === 0) progress(i + 1, images.length);
  }
  const set = buildImageSet(
    pixels,
    images.map((i) => i.label),
    source,
  );
  return { set, note: `${FIT_NOTE}${skippedNote(found.skipped)}` };
}

async function fromIdx(files: readonly { name: string; blob: Blob }[]): Promise<Built> {
  return idxDataSet(
    await Promise.all(
      files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.blob.arrayBuffer()) })),
    ),
  );
}
