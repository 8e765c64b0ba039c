import { useId, useState } from 'react';
import { currentLink } from '../../state/link-sync';

const DESCRIPTION =
  'Copies the address of this page: the tab and every setting on screen. A trained model is not in the link; use “Download model” on the Train tab to share one.';

/**
 * "Copy link": the address already follows the page (state/link-sync.ts); this puts it on the
 * clipboard. Where the clipboard is refused, the link is shown to copy by hand.
 */
export function ShareLink() {
  const id = useId();
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const [link, setLink] = useState('');
  const copy = () => {
    const href = currentLink();
    setLink(href);
    navigator.clipboard
      .writeText(href)
      .then(() => setCopied('yes'))
      .catch(() => setCopied('no'));
  };
  return (
    <div className="share-link">
      <button type="button" title={DESCRIPTION} aria-describedby={`${id}-d`} onClick={copy}>
        Copy link
      </button>
      <span id={`${id}-d`} className="muted share-note">
        Settings only: a trained model is not in the link.
      </span>
      <span aria-live="polite" data-testid="share-status">
        {copied === 'yes' && 'Link copied.'}
        {copied === 'no' && (
          <>
            The clipboard was refused; copy the link:{' '}
            <input readOnly value={link} aria-label="Link to this page" size={24} />
          </>
        )}
      </span>
    </div>
  );
}
