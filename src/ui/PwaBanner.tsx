import { usePwaStore } from '../state/pwa-store';

/** The service worker's news: a new version waiting (reload to use it), or offline-ready. */
export function PwaBanner() {
  const { offlineReady, updateReady, applyUpdate, dismissOfflineReady } = usePwaStore();
  if (updateReady) {
    return (
      <div className="notice notice-info" role="status" data-testid="update-banner">
        <span>A new version of the playground is ready.</span>
        <button
          type="button"
          className="primary"
          title="Reload the page on the new version (your model is autosaved first)"
          onClick={applyUpdate}
        >
          Reload to update
        </button>
      </div>
    );
  }
  if (!offlineReady) return null;
  return (
    <div className="notice notice-info" role="status" data-testid="offline-ready">
      <span>Stored in this browser: the playground now also works offline.</span>
      <button
        type="button"
        onClick={dismissOfflineReady}
        aria-label="Dismiss"
        title="Hide this message"
      >
        ×
      </button>
    </div>
  );
}
