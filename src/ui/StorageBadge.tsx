import { useAppStore } from '../state/store';

/** Shown only when this tab does not autosave, with the reason. */
export function StorageBadge() {
  const storage = useAppStore((s) => s.storage);
  if (storage.autosave === 'on') return null;
  return (
    <div className="storage-off" role="status" data-testid="storage-status">
      Autosave off: {storage.reason}
    </div>
  );
}
