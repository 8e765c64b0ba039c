import { pickBackend } from '../client/app-client';
import { backendLabel, describeDecision } from '../shared/backend-choice';
import { BACKENDS, type BackendName } from '../shared/protocol';
import { useAppStore } from '../state/store';

/**
 * Which tfjs backend runs in the worker and why: the measured figures when it was chosen by
 * speed, the reasons others did not start, and a menu to pick another or measure again.
 */
export function BackendBadge() {
  const backend = useAppStore((s) => s.backend);
  const failures = backend.attempts.filter((a) => !a.ok && a.reason).map((a) => a.reason);
  const name =
    backend.status === 'ready'
      ? backend.backend
      : backend.status === 'loading'
        ? backend.measuring
          ? `measuring ${backend.measuring}…`
          : 'starting…'
        : 'none';
  const ready = backend.status === 'ready';
  const forced = ready && backend.forced !== null ? backend.forced : null;
  const decision = ready ? backend.decision : null;
  return (
    <div className={`backend backend-${backend.status}`} data-testid="backend-status">
      <span>
        tfjs backend: <b data-testid="backend-name">{name}</b>
        {backend.status === 'ready' && backend.wasmThreads && (
          <WasmThreads {...backend.wasmThreads} />
        )}
      </span>{' '}
      <label className="backend-menu">
        <span className="visually-hidden">Backend</span>
        <select
          aria-label="Backend"
          title="Which tfjs backend trains and samples. “Fastest” times each one on this machine."
          value={forced ?? 'auto'}
          disabled={!ready}
          onChange={(e) => pickBackend(e.target.value as BackendName | 'auto')}
        >
          <option value="auto">Fastest (measure)</option>
          {BACKENDS.map((b) => (
            <option key={b} value={b}>
              {backendLabel(b)}
            </option>
          ))}
        </select>
      </label>
      {forced && <span className="muted"> (picked: {forced})</span>}
      {decision && (
        <span className="why-chosen" data-testid="backend-decision">
          {' '}
          — {describeDecision(decision)}
          {backend.status === 'ready' && backend.fromMemory && (
            <span className="muted"> (measured {decision.measuredAt.slice(0, 10)})</span>
          )}
        </span>
      )}
      {failures.length > 0 && (
        <span className="why" data-testid="backend-why">
          {' '}
          — {failures.join('; ')}
        </span>
      )}
    </div>
  );
}

/** The wasm backend's threads, or the reason it runs on one (e.g. the page is not isolated). */
function WasmThreads({
  threads,
  note,
}: {
  readonly threads: number;
  readonly note: string | null;
}) {
  return (
    <span data-testid="wasm-threads" title="WebAssembly threads (XNNPACK)">
      {' '}
      · {threads > 1 ? `${threads} threads` : (note ?? 'one thread')}
    </span>
  );
}
