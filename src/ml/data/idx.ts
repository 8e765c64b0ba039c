/**
 * IDX files, the format of MNIST, Fashion-MNIST, KMNIST and EMNIST: a big-endian header
 * [0, 0, type, dims] [dims × u32 sizes] then the data. Images are u8 [n, rows, cols]; labels u8
 * [n]. gzip-compressed files (as downloaded, *.gz) are read too. Every way a file can be wrong
 * gets a message that names the file.
 */
import { gunzip } from '../mnist';
import {
  buildImageSet,
  DataSetError,
  IMAGE_AREA,
  MAX_IMAGES,
  resizeGray,
  type ImageSet,
} from './image-set';

const UBYTE = 0x08;

export interface IdxArray {
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

/** Unzips a gzip file (magic 1f 8b); anything else is returned as it is. */
export async function maybeGunzip(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return await gunzip(bytes);
  } catch {
    throw new DataSetError(`“${name}” looks gzip-compressed but could not be unpacked.`);
  }
}

export function parseIdx(bytes: Uint8Array, name: string): IdxArray {
  const corrupt = (why: string) => new DataSetError(`“${name}” is not a valid IDX file: ${why}.`);
  if (bytes.length < 4) throw corrupt('it is shorter than the 4-byte header');
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw corrupt('its first two bytes must be 0 (the IDX magic number)');
  }
  if (bytes[2] !== UBYTE) {
    throw corrupt(
      `its data type is 0x${(bytes[2] ?? 0).toString(16)}, only unsigned bytes (0x08) are read`,
    );
  }
  const rank = bytes[3] ?? 0;
  if (rank < 1 || rank > 3) throw corrupt(`it has ${rank} dimensions; images have 3, labels 1`);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) throw corrupt('its header is cut short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length - headerBytes !== size) {
    throw corrupt(
      `its header says ${dims.join(' × ')} = ${size} bytes of data but it holds ${bytes.length - headerBytes}`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

export interface IdxImages {
  readonly pixels: Uint8Array;
  readonly names: (string | null)[];
  /** What was done to the images, in words. */
  readonly note: string;
}

/** Images (and optionally labels) from IDX files, scaled to 28×28 when they are another size. */
export function idxImages(
  images: IdxArray,
  imagesName: string,
  labels: IdxArray | null,
  labelsName: string,
): IdxImages {
  if (images.dims.length !== 3) {
    throw new DataSetError(
      `“${imagesName}” holds ${images.dims.length === 1 ? 'labels' : `${images.dims.length}-D data`}, not images (n × rows × cols).`,
    );
  }
  const [n = 0, rows = 0, cols = 0] = images.dims;
  if (n === 0) throw new DataSetError(`“${imagesName}” has no images.`);
  if (n > MAX_IMAGES) {
    throw new DataSetError(
      `“${imagesName}” has ${n.toLocaleString('en')} images; the limit is ${MAX_IMAGES.toLocaleString('en')}.`,
    );
  }
  if (labels) {
    if (labels.dims.length !== 1) {
      throw new DataSetError(`“${labelsName}” holds ${labels.dims.length}-D data, not labels (n).`);
    }
    if (labels.dims[0] !== n) {
      throw new DataSetError(
        `“${imagesName}” has ${n.toLocaleString('en')} images but “${labelsName}” has ${(labels.dims[0] ?? 0).toLocaleString('en')} labels: they must match.`,
      );
    }
  }
  const area = rows * cols;
  const pixels = new Uint8Array(n * IMAGE_AREA);
  for (let i = 0; i < n; i++) {
    pixels.set(
      resizeGray(images.data.subarray(i * area, (i + 1) * area), rows, cols),
      i * IMAGE_AREA,
    );
  }
  const names = Array.from({ length: n }, (_, i) => (labels ? String(labels.data[i]) : null));
  const note =
    rows === 28 && cols === 28
      ? 'IDX images used as they are (28×28 grayscale).'
      : `IDX images scaled from ${rows}×${cols} to 28×28 by area averaging.`;
  return { pixels, names, note };
}

/**
 * A data set from IDX files: the images file and, optionally, its labels file, told apart by
 * their shapes (n × rows × cols and n), in any order.
 */
export async function idxDataSet(
  files: readonly { readonly name: string; readonly bytes: Uint8Array }[],
): Promise<{ set: ImageSet; note: string }> {
  const all = await Promise.all(
    files.map(async (f) => ({
      name: f.name,
      array: parseIdx(await maybeGunzip(f.bytes, f.name), f.name),
    })),
  );
  const images = all.filter((f) => f.array.dims.length === 3);
  const labels = all.filter((f) => f.array.dims.length === 1);
  const [imagesFile] = images;
  if (!imagesFile || images.length > 1 || labels.length > 1) {
    throw new DataSetError(
      `Choose one IDX images file (n × rows × cols) and, if you have it, its labels file (n); these were ${all.map((f) => `“${f.name}” (${f.array.dims.join(' × ')})`).join(' and ')}.`,
    );
  }
  const labelsFile = labels[0] ?? null;
  const r = idxImages(
    imagesFile.array,
    imagesFile.name,
    labelsFile?.array ?? null,
    labelsFile?.name ?? '',
  );
  return { set: buildImageSet(r.pixels, r.names, `“${imagesFile.name}”`), note: r.note };
}
