import { useAppStore } from '../state/store';

/** Which tfjs backend runs in the worker and, when it is not WebGPU, why not. */
export function BackendBadge() {
  const backend = useAppStore((s) => s.backend);
  const why = backend.attempts.filter((a) => !a.ok && a.reason).map((a) => a.reason);
  const name =
    backend.status === 'ready'
      ? backend.backend
      : backend.status === 'loading'
        ? 'starting…'
        : 'none';
  const forced = backend.status === 'ready' && backend.forced !== null;
  return (
    <div className={`backend backend-${backend.status}`} data-testid="backend-status">
      tfjs backend: <b data-testid="backend-name">{name}</b>
      {forced && <span className="muted"> (asked for {backend.forced} in the URL)</span>}
      {why.length > 0 && (
        <span className="why" data-testid="backend-why">
          {' '}
          — {why.join('; ')}
        </span>
      )}
    </div>
  );
}
