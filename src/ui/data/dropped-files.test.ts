import { describe, expect, it } from 'vitest';
import { droppedFiles } from './dropped-files';

/** Entries as a browser's drop hands them out: folders read in batches of two, then none. */
function file(fullPath: string): FileSystemEntry {
  const name = fullPath.split('/').pop() ?? '';
  const entry = {
    isFile: true,
    isDirectory: false,
    name,
    fullPath,
    file: (ok: (f: File) => void) => ok(new File([name], name)),
  };
  return entry as unknown as FileSystemEntry;
}

function folder(fullPath: string, children: FileSystemEntry[]): FileSystemEntry {
  const entry = {
    isFile: false,
    isDirectory: true,
    name: fullPath.split('/').pop() ?? '',
    fullPath,
    createReader: () => {
      let at = 0;
      return {
        readEntries: (ok: (batch: FileSystemEntry[]) => void) => {
          ok(children.slice(at, at + 2));
          at += 2;
        },
      };
    },
  };
  return entry as unknown as FileSystemEntry;
}

describe('droppedFiles', () => {
  it('lists a dropped folder’s files by path from its name, every batch and sub-folder', async () => {
    const tree = folder('/shapes', [
      folder('/shapes/discs', [file('/shapes/discs/1.png'), file('/shapes/discs/2.png')]),
      folder('/shapes/squares', [file('/shapes/squares/a.png')]),
      file('/shapes/readme.txt'),
    ]);
    const r = await droppedFiles([tree], []);
    expect(r.kind).toBe('folder');
    expect(r.kind !== 'other' && r.files.map((f) => f.name)).toEqual([
      'shapes/discs/1.png',
      'shapes/discs/2.png',
      'shapes/squares/a.png',
      'shapes/readme.txt',
    ]);
  });

  it('takes one zip, and says what to drop otherwise', async () => {
    const zip = await droppedFiles([file('/set.zip')], []);
    expect(zip.kind !== 'other' && zip.files.map((f) => f.name)).toEqual(['set.zip']);
    expect(await droppedFiles([file('/cat.png')], [])).toEqual({
      kind: 'other',
      problem:
        '“cat.png” is not a folder or a zip: drop a folder of images or a zip of them (IDX files go through the IDX files button).',
    });
    expect(await droppedFiles([file('/a.zip'), file('/b.zip')], [])).toEqual({
      kind: 'other',
      problem: 'Drop one folder of images or one zip of images here.',
    });
  });

  it('reads a drop without entries from its files', async () => {
    const zip = new File(['z'], 'set.ZIP');
    const r = await droppedFiles([null], [zip]);
    expect(r.kind !== 'other' && r.files).toEqual([{ name: 'set.ZIP', blob: zip }]);
    expect((await droppedFiles([null], [new File(['p'], 'a.png')])).kind).toBe('other');
  });
});
