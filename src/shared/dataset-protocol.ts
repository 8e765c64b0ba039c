/** The learner's own data sets (page ⇄ worker): import, choose, browse, delete. */
import type { GrayFrame } from './protocol';

/** The shipped digits' name; a model without a data set name was trained on them. */
export const MNIST_NAME = 'MNIST digits';

export interface DataSetInfo {
  /** Unique among the stored sets; the shipped one is MNIST_NAME. */
  readonly name: string;
  readonly source: 'mnist' | 'zip' | 'folder' | 'idx' | 'drawn';
  readonly count: number;
  /** Images per class index. */
  readonly perClass: readonly number[];
  /** What each class index stands for (sub-folder names, IDX label values). */
  readonly classNames: readonly string[];
  /** What was done to the images, in words. */
  readonly note: string;
}

/** How imported files are read: a zip of images, a folder of them, or IDX files. */
export type ImportKind = 'zip' | 'folder' | 'idx';

/** The set the pad's drawings are added to. */
export const DRAWN_NAME = 'My drawings';

/** The grid the browser shows: this many images per page. */
export const GRID_PAGE = 48;
export const GRID_COLUMNS = 8;

export type DataSetToWorker =
  | {
      readonly type: 'dataset/import';
      readonly requestId: number;
      readonly kind: ImportKind;
      /**
       * zip: one file; folder: every file, named by its path from the chosen folder's name on
       * (webkitRelativePath); idx: the images file, then the labels file if any.
       */
      readonly files: readonly { readonly name: string; readonly blob: Blob }[];
    }
  | { readonly type: 'dataset/use'; readonly requestId: number; readonly name: string }
  | { readonly type: 'dataset/list'; readonly requestId: number }
  | { readonly type: 'dataset/delete'; readonly requestId: number; readonly name: string }
  /** The pad's drawing, added to DRAWN_NAME (created on first use). */
  | {
      readonly type: 'dataset/add-drawing';
      readonly requestId: number;
      readonly pixels: Uint8Array;
      readonly label: string | null;
    }
  | {
      readonly type: 'dataset/page';
      readonly requestId: number;
      /** null: every class. */
      readonly label: number | null;
      readonly page: number;
    };

export type DataSetFromWorker =
  /** The data set training, the forward tab and the quality meter now use. */
  | { readonly type: 'dataset/active'; readonly info: DataSetInfo }
  | {
      readonly type: 'dataset/listed';
      readonly requestId: number;
      readonly sets: readonly DataSetInfo[];
    }
  | { readonly type: 'dataset/done'; readonly requestId: number; readonly info: DataSetInfo }
  /** Images decoded so far by an import; `of` names the request (not a reply: no requestId). */
  | {
      readonly type: 'dataset/progress';
      readonly of: number;
      readonly done: number;
      readonly total: number;
    }
  | {
      readonly type: 'dataset/grid';
      readonly requestId: number;
      readonly frame: GrayFrame;
      /** Images of that class (or all) in the set. */
      readonly total: number;
    };
