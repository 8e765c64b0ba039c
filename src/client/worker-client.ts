/**
 * The page side of the worker: one module Worker, typed send, typed subscribe by message type,
 * and promise-based one-shot requests keyed by requestId.
 */
import type { FromWorker, FromWorkerOf, FromWorkerType, ToWorker } from '../shared/protocol';

type Listener<K extends FromWorkerType> = (message: FromWorkerOf<K>) => void;
type AnyListener = (message: FromWorker) => void;

type Reply =
  | FromWorkerOf<'data/digit'>
  | FromWorkerOf<'image/decoded'>
  | FromWorkerOf<'model/file'>
  | FromWorkerOf<'model/loaded'>
  | FromWorkerOf<'export/file'>
  | FromWorkerOf<'quality/report'>
  | FromWorkerOf<'dataset/listed'>
  | FromWorkerOf<'dataset/done'>
  | FromWorkerOf<'dataset/grid'>;
type RequestMessage = Extract<ToWorker, { requestId: number }>;
type WithoutId<M> = M extends unknown ? Omit<M, 'requestId'> : never;

export class WorkerClient {
  private readonly listeners = new Map<FromWorkerType, Set<AnyListener>>();
  private readonly pending = new Map<
    number,
    { resolve: (m: Reply) => void; reject: (e: Error) => void }
  >();
  private nextRequestId = 1;
  private terminated = false;

  constructor(private readonly worker: Worker) {
    worker.onmessage = (event: MessageEvent<FromWorker>) => this.dispatch(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      const message = `The worker failed: ${event.message || 'unknown error'}`;
      // Its replies may never come: nobody waits forever.
      this.rejectAll(new Error(message));
      this.dispatch({ type: 'error', message });
    };
    worker.onmessageerror = () => {
      this.dispatch({ type: 'error', message: 'A message from the worker could not be read.' });
    };
  }

  send(message: ToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  on<K extends FromWorkerType>(type: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    const any = listener as AnyListener;
    set.add(any);
    return () => set.delete(any);
  }

  /**
   * Sends a one-shot request. It settles with the worker's reply, or rejects: with the worker's
   * message, when the worker fails or is terminated, or when `signal` aborts (the reply, if it
   * still comes, is dropped).
   */
  request<R extends Reply>(
    message: WithoutId<RequestMessage>,
    transfer: Transferable[] = [],
    signal?: AbortSignal,
  ): Promise<R> {
    if (this.terminated) return Promise.reject(new Error('The worker was stopped.'));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const requestId = this.nextRequestId++;
    return new Promise<R>((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(requestId);
        reject(abortError(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(requestId, {
        resolve: (m) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(m as R);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      });
      this.send({ ...message, requestId } as RequestMessage, transfer);
    });
  }

  /** Stops the worker; every request still waiting rejects. */
  terminate(): void {
    this.terminated = true;
    this.worker.terminate();
    this.rejectAll(new Error('The worker was stopped.'));
  }

  private rejectAll(error: Error): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    waiting.forEach((w) => w.reject(error));
  }

  /** The id the latest request() went out with (to match progress messages to it). */
  lastRequestId(): number {
    return this.nextRequestId - 1;
  }

  private dispatch(message: FromWorker): void {
    if ('requestId' in message) {
      const waiter = this.pending.get(message.requestId);
      this.pending.delete(message.requestId);
      if (waiter) {
        if (message.type === 'request/failed') waiter.reject(new Error(message.message));
        else waiter.resolve(message);
      }
    }
    this.listeners.get(message.type)?.forEach((listener) => listener(message));
  }
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error
    ? reason
    : new DOMException('The request was aborted.', 'AbortError');
}

export function startWorker(): WorkerClient {
  return new WorkerClient(
    new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module' }),
  );
}
