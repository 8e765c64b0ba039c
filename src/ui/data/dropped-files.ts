/**
 * What a learner dropped on the Data set card, as the file pickers give it: one folder's files by
 * their path from the folder's name on (as webkitRelativePath names them), or one zip. A dropped
 * folder is only readable through the entries API (DataTransferItem.webkitGetAsEntry).
 */

export interface NamedFile {
  /** The file's name, or its path from the chosen folder's name on ("shapes/discs/1.png"). */
  readonly name: string;
  readonly blob: Blob;
}

export type Dropped =
  | { readonly kind: 'folder' | 'zip'; readonly files: readonly NamedFile[] }
  | { readonly kind: 'other'; readonly problem: string };

/**
 * The entries and files must be taken while the drop event runs (the lists are emptied after
 * it), so this takes them, not the event's DataTransfer. A drop without entries (a browser
 * without the API, a scripted drop) is read from its files: a zip still works, a folder cannot.
 */
export async function droppedFiles(
  entries: readonly (FileSystemEntry | null)[],
  files: readonly File[],
): Promise<Dropped> {
  const dropped: (FileSystemEntry | File)[] = entries.every((e) => e !== null)
    ? (entries as FileSystemEntry[])
    : [...files];
  const [entry, ...rest] = dropped;
  if (!entry || rest.length > 0) {
    return { kind: 'other', problem: 'Drop one folder of images or one zip of images here.' };
  }
  if (!(entry instanceof File) && entry.isDirectory) {
    return { kind: 'folder', files: await filesIn(entry) };
  }
  if (entry.name.toLowerCase().endsWith('.zip')) {
    const blob = entry instanceof File ? entry : await fileOf(entry);
    return { kind: 'zip', files: [{ name: entry.name, blob }] };
  }
  return {
    kind: 'other',
    problem: `“${entry.name}” is not a folder or a zip: drop a folder of images or a zip of them (IDX files go through the IDX files button).`,
  };
}

function isDirectory(e: FileSystemEntry): e is FileSystemDirectoryEntry {
  return e.isDirectory;
}

function fileOf(entry: FileSystemEntry): Promise<File> {
  return new Promise((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
}

/** Every file under the folder, however deep; fullPath is "/shapes/discs/1.png". */
async function filesIn(entry: FileSystemEntry): Promise<NamedFile[]> {
  if (!isDirectory(entry))
    return [{ name: entry.fullPath.replace(/^\//, ''), blob: await fileOf(entry) }];
  const reader = entry.createReader();
  const children: FileSystemEntry[] = [];
  // readEntries hands out a folder's entries in batches (100 in Chrome) until an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) break;
    children.push(...batch);
  }
  return (await Promise.all(children.map(filesIn))).flat();
}
