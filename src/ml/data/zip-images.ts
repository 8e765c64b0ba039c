/**
 * The image files in a zip, each with its label from its sub-folder (image-files.ts, shared
 * with a chosen folder). Decoding the images is the caller's (a worker has createImageBitmap,
 * Node has upng-js).
 */
import { unzipSync } from 'fflate';
import { labelledImages, type ImageFiles } from './image-files';
import { DataSetError } from './image-set';

export function zipImages(bytes: Uint8Array, name: string): ImageFiles<Uint8Array> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (error) {
    throw new DataSetError(
      `“${name}” could not be opened as a zip file (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
  return labelledImages(Object.entries(files).map(([path, data]) => ({ path, data })));
}
