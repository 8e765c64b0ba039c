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
  | FromWorkerOf<'quality/report'>;
type RequestMessage = Extract<ToWorker, { requestId: number }>;
type WithoutId<M> = M extends unknown ? Omit<M, 'requestId'> : never;

export class WorkerClient {
  private readonly listeners = new Map<FromWorkerType, Set<AnyListener>>();
  private readonly pending = new Map<
    number,
    { resolve: (m: Reply) => void; reject: (e: Error) => void }
  >();
  private nextRequestId = 1;

  constructor(private readonly worker: Worker) {
    worker.onmessage = (event: MessageEvent<FromWorker>) => this.dispatch(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.dispatch({
        type: 'error',
        message: `The worker failed: ${event.message || 'unknown error'}`,
      });
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

  request<R extends Reply>(
    message: WithoutId<RequestMessage>,
    transfer: Transferable[] = [],
  ): Promise<R> {
    const requestId = this.nextRequestId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(requestId, { resolve: resolve as (m: Reply) => void, reject });
      this.send({ ...message, requestId } as RequestMessage, transfer);
    });
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

export function startWorker(): WorkerClient {
  return new WorkerClient(
    new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module' }),
  );
}
