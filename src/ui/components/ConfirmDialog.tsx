import type { ReactNode } from 'react';

interface Props {
  readonly label: string;
  readonly children: ReactNode;
  /** The destructive action, in words ("Load and replace"). */
  readonly confirm: string;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
  /** Further actions beside the two (another way to confirm). */
  readonly extra?: ReactNode;
}

/** An inline question before something is discarded; "Keep the current model" changes nothing. */
export function ConfirmDialog({ label, children, confirm, onConfirm, onCancel, extra }: Props) {
  return (
    <div className="confirm" role="alertdialog" aria-label={label}>
      <p>{children}</p>
      <button
        type="button"
        className="danger"
        title="Go ahead: the current model is replaced"
        onClick={onConfirm}
      >
        {confirm}
      </button>
      {extra}
      <button type="button" title="Change nothing" onClick={onCancel}>
        Keep the current model
      </button>
    </div>
  );
}
