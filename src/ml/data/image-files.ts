/**
 * The step a zip and a folder of images share: a list of files by relative path becomes the
 * images to decode, each labelled by the sub-folder it sits in (cats/01.png → "cats"), after a
 * folder that wraps everything (a zipped folder, or the folder a learner chose) is set aside.
 * Images at the top have no label. What a file holds stays the caller's (bytes from a zip, a
 * File from a folder, a path in the CLI), so files that are not images are never read.
 */
import { checkImageCount, DataSetError } from './image-set';

const IMAGE_EXTENSIONS = /\.(png|jpe?g|gif|webp|bmp)$/i;

export interface LabelledImage<T> {
  readonly path: string;
  readonly label: string | null;
  readonly mime: string;
  readonly data: T;
}

export interface ImageFiles<T> {
  readonly images: LabelledImage<T>[];
  /** Files that are not images (hidden files and macOS resource forks are not counted). */
  readonly skipped: number;
}

function mimeOf(path: string): string {
  const ext = /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase() ?? '';
  return ext === 'jpg' ? 'image/jpeg' : `image/${ext}`;
}

/** The image files in natural path order, labelled; other files counted as skipped. */
export function labelledImages<T>(
  files: readonly { readonly path: string; readonly data: T }[],
): ImageFiles<T> {
  // Folders, macOS resource forks and hidden files are not data.
  const kept = files.filter(
    (f) => !f.path.endsWith('/') && !f.path.startsWith('__MACOSX/') && !/(^|\/)\./.test(f.path),
  );
  const wrapper = commonFolder(kept.map((f) => f.path));
  let skipped = 0;
  const images: LabelledImage<T>[] = [];
  const sorted = [...kept].sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
  for (const { path, data } of sorted) {
    if (!IMAGE_EXTENSIONS.test(path)) {
      skipped += 1;
      continue;
    }
    const inner = path.slice(wrapper.length).split('/');
    images.push({
      path,
      label: inner.length > 1 ? (inner[0] ?? null) : null,
      mime: mimeOf(path),
      data,
    });
  }
  return { images, skipped };
}

/** Refuses a list without images (saying how many other files there were) or with too many. */
export function checkImageFiles(found: ImageFiles<unknown>, source: string): void {
  if (found.images.length === 0) {
    throw new DataSetError(
      `${source} has no images (PNG, JPEG, GIF, WebP or BMP)${found.skipped > 0 ? `; its ${found.skipped} other files were skipped` : ''}.`,
    );
  }
  // Checked before decoding: 100k decodes would take minutes only to be refused.
  checkImageCount(found.images.length, source);
}

/** What the set's note adds about skipped files, in words ("" when none). */
export function skippedNote(skipped: number): string {
  return skipped > 0 ? ` ${skipped} files that are not images were skipped.` : '';
}

/** "set/" when every path starts with it and some sit deeper (a zipped folder of folders or files). */
function commonFolder(paths: readonly string[]): string {
  const first = paths[0]?.split('/');
  if (!first || first.length < 2) return '';
  const folder = `${first[0]}/`;
  return paths.every((p) => p.startsWith(folder)) ? folder : '';
}
