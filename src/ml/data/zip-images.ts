/**
 * The image files in a zip, each with its label: the name of the sub-folder it sits in
 * (cats/01.png → "cats"), after a folder that wraps everything (a zipped folder) is set aside.
 * Images at the top have no label. Decoding the images is the caller's (a worker has
 * createImageBitmap, Node has upng-js).
 */
import { unzipSync } from 'fflate';
import { DataSetError } from './image-set';

const IMAGE_EXTENSIONS = /\.(png|jpe?g|gif|webp|bmp)$/i;

export interface ZipImage {
  readonly path: string;
  readonly label: string | null;
  readonly bytes: Uint8Array;
  readonly mime: string;
}

export function mimeOf(path: string): string {
  const ext = /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase() ?? '';
  return ext === 'jpg' ? 'image/jpeg' : `image/${ext}`;
}

export function zipImages(
  bytes: Uint8Array,
  name: string,
): { images: ZipImage[]; skipped: number } {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (error) {
    throw new DataSetError(
      `“${name}” could not be opened as a zip file (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
  // Folders, macOS resource forks and hidden files are not data.
  const paths = Object.keys(files).filter(
    (p) => !p.endsWith('/') && !p.startsWith('__MACOSX/') && !/(^|\/)\./.test(p),
  );
  const wrapper = commonFolder(paths);
  let skipped = 0;
  const images: ZipImage[] = [];
  for (const path of paths.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))) {
    if (!IMAGE_EXTENSIONS.test(path)) {
      skipped += 1;
      continue;
    }
    const inner = path.slice(wrapper.length).split('/');
    images.push({
      path,
      label: inner.length > 1 ? (inner[0] ?? null) : null,
      bytes: files[path] ?? new Uint8Array(0),
      mime: mimeOf(path),
    });
  }
  return { images, skipped };
}

/** "set/" when every path starts with it and some sit deeper (a zipped folder of folders or files). */
function commonFolder(paths: readonly string[]): string {
  const first = paths[0]?.split('/');
  if (!first || first.length < 2) return '';
  const folder = `${first[0]}/`;
  return paths.every((p) => p.startsWith(folder)) ? folder : '';
}
