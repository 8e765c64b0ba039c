/**
 * The page side of the learner's data sets (worker/data-set-job.ts): import, choose, browse and
 * delete; the set in use updates the store, and the forward tab's digit comes from it.
 */
import { MNIST_NAME, type DataSetInfo, type ImportKind } from '../shared/dataset-protocol';
import type { FromWorkerOf, GrayFrame } from '../shared/protocol';
import { useDataSetStore } from '../state/dataset-store';
import { useAppStore } from '../state/store';
import type { WorkerClient } from './worker-client';

let client: WorkerClient | null = null;

function need(): WorkerClient {
  if (!client) throw new Error('the app has not started');
  return client;
}

export function startDataSetClient(
  c: WorkerClient,
  pickDigit: (l: number, i: number) => unknown,
): void {
  client = c;
  c.on('dataset/active', (m) => {
    const before = useDataSetStore.getState().active?.name ?? MNIST_NAME;
    useDataSetStore.getState().setActive(m.info);
    useAppStore
      .getState()
      .setData({ status: 'ready', count: m.info.count, perClass: m.info.perClass });
    // x₀ of the forward tab from the set now in use (MNIST's welcoming 7, else the first image).
    if (m.info.name !== before) pickDigit(m.info.source === 'mnist' ? 7 : 0, 0);
    void refreshDataSets();
  });
}

export async function refreshDataSets(): Promise<void> {
  const m = await need().request<FromWorkerOf<'dataset/listed'>>({ type: 'dataset/list' });
  useDataSetStore.getState().setSets(m.sets);
}

/**
 * Decodes and keeps the files as a data set, now in use; `onProgress` hears images decoded. A
 * folder's files are named by their path from the folder's name on: sub-folders are the labels.
 */
export async function importDataSet(
  kind: ImportKind,
  files: readonly { readonly name: string; readonly blob: Blob }[],
  onProgress: (done: number, total: number) => void,
): Promise<DataSetInfo> {
  const c = need();
  let requestId = -1;
  const off = c.on('dataset/progress', (m) => m.of === requestId && onProgress(m.done, m.total));
  try {
    const pending = c.request<FromWorkerOf<'dataset/done'>>({
      type: 'dataset/import',
      kind,
      files,
    });
    requestId = c.lastRequestId();
    return (await pending).info;
  } finally {
    off();
  }
}

export async function chooseDataSet(name: string): Promise<DataSetInfo> {
  return (await need().request<FromWorkerOf<'dataset/done'>>({ type: 'dataset/use', name })).info;
}

export async function deleteDataSet(name: string): Promise<void> {
  await need().request<FromWorkerOf<'dataset/done'>>({ type: 'dataset/delete', name });
  await refreshDataSets();
}

export async function dataSetPage(
  label: number | null,
  page: number,
): Promise<{ frame: GrayFrame; total: number }> {
  const m = await need().request<FromWorkerOf<'dataset/grid'>>({
    type: 'dataset/page',
    label,
    page,
  });
  return { frame: m.frame, total: m.total };
}

/** The pad's drawing into the drawn set (created on first use). */
export async function addDrawing(pixels: Uint8Array, label: string | null): Promise<DataSetInfo> {
  const copy = pixels.slice();
  const m = await need().request<FromWorkerOf<'dataset/done'>>(
    { type: 'dataset/add-drawing', pixels: copy, label },
    [copy.buffer],
  );
  await refreshDataSets();
  return m.info;
}
