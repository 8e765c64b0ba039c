import { describe, expect, it } from 'vitest';
import type { FromWorker, ToWorker } from '../shared/protocol';
import { WorkerClient } from './worker-client';

/** Just enough of a Worker: records what was posted and lets the test answer or fail. */
class FakeWorker {
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: (() => void) | null = null;
  readonly posted: ToWorker[] = [];
  terminated = false;
  postMessage(message: ToWorker): void {
    this.posted.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(message: FromWorker): void {
    this.onmessage?.({ data: message } as MessageEvent<FromWorker>);
  }
  fail(message: string): void {
    this.onerror?.({ message, preventDefault: () => undefined } as ErrorEvent);
  }
}

function client() {
  const worker = new FakeWorker();
  return { worker, c: new WorkerClient(worker as unknown as Worker) };
}

const exportRequest = { type: 'model/export' } as const;

describe('worker client', () => {
  it('a request settles with its own reply, or rejects with the worker message', async () => {
    const { worker, c } = client();
    const a = c.request(exportRequest);
    const b = c.request(exportRequest);
    const [ida, idb] = worker.posted.map((m) => ('requestId' in m ? m.requestId : -1));
    worker.reply({ type: 'request/failed', requestId: idb!, message: 'no model' });
    worker.reply({ type: 'model/loaded', requestId: ida! });
    await expect(a).resolves.toMatchObject({ type: 'model/loaded' });
    await expect(b).rejects.toThrow('no model');
  });

  it('pending requests reject when the worker fails or is terminated, instead of hanging', async () => {
    const { worker, c } = client();
    const errors: string[] = [];
    c.on('error', (m) => errors.push(m.message));
    const a = c.request(exportRequest);
    worker.fail('out of memory');
    await expect(a).rejects.toThrow('The worker failed: out of memory');
    expect(errors).toEqual(['The worker failed: out of memory']);

    const b = c.request(exportRequest);
    c.terminate();
    expect(worker.terminated).toBe(true);
    await expect(b).rejects.toThrow('The worker was stopped.');
    await expect(c.request(exportRequest)).rejects.toThrow('The worker was stopped.');
  });

  it('an aborted request rejects at once and its late reply is dropped', async () => {
    const { worker, c } = client();
    const controller = new AbortController();
    const a = c.request(exportRequest, [], controller.signal);
    controller.abort(new Error('the learner cancelled'));
    await expect(a).rejects.toThrow('the learner cancelled');
    const id =
      worker.posted[0] && 'requestId' in worker.posted[0] ? worker.posted[0].requestId : -1;
    worker.reply({ type: 'model/loaded', requestId: id });
    const already = new AbortController();
    already.abort();
    await expect(c.request(exportRequest, [], already.signal)).rejects.toThrow(/abort/i);
    expect(worker.posted).toHaveLength(1);
  });
});
