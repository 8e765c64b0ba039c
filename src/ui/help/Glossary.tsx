import { useEffect, useRef, useState } from 'react';
import { useHelpStore } from '../../state/help-store';
import { GLOSSARY, filterGlossary, glossaryEntry } from './glossary-data';

/**
 * The glossary as a modal <dialog>: the browser traps focus in it, closes it on Escape and returns
 * focus to where it was. A filter narrows the entries as the learner types.
 */
export function Glossary() {
  const open = useHelpStore((s) => s.glossary);
  const close = useHelpStore((s) => s.closeGlossary);
  const openAt = useHelpStore((s) => s.openGlossary);
  const ref = useRef<HTMLDialogElement>(null);
  const [query, setQuery] = useState('');
  const filtered = filterGlossary(query);
  // An entry asked for by a link shows even when the filter would hide it.
  const asked = open?.entry ?? null;
  const entries = asked && !filtered.some((e) => e.id === asked) ? GLOSSARY : filtered;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
    if (open?.entry) {
      // After the list has rendered: bring the asked-for entry into view and focus it.
      requestAnimationFrame(() => {
        const el = document.getElementById(`glossary-${open.entry}`);
        el?.scrollIntoView({ block: 'start' });
        el?.focus();
      });
    }
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="glossary"
      aria-labelledby="glossary-title"
      data-testid="glossary"
      onClose={close}
    >
      <div className="glossary-head">
        <h2 id="glossary-title">Glossary</h2>
        <button type="button" onClick={close} title="Close the glossary (Escape)">
          Close
        </button>
      </div>
      <label className="glossary-filter" title="Type a word to show only the entries that use it">
        Filter
        <input
          type="search"
          value={query}
          aria-label="Filter the glossary"
          aria-describedby="glossary-count"
          onChange={(e) => setQuery(e.target.value)}
        />
      </label>
      <p id="glossary-count" className="muted" aria-live="polite">
        {entries.length === 0 ? 'No entry matches.' : `${entries.length} entries`}
      </p>
      <dl className="glossary-list">
        {entries.map((e) => (
          <div key={e.id} className="glossary-entry">
            <dt id={`glossary-${e.id}`} tabIndex={-1}>
              {e.term}
            </dt>
            <dd>
              {e.text}
              {e.formula && <div className="glossary-formula">{e.formula}</div>}
              {e.see.length > 0 && (
                <div className="glossary-see">
                  See:{' '}
                  {e.see.map((id, i) => (
                    <span key={id}>
                      {i > 0 && ', '}
                      <button
                        type="button"
                        className="link"
                        title={`Jump to “${glossaryEntry(id)?.term ?? id}”`}
                        onClick={() => openAt(id)}
                      >
                        {glossaryEntry(id)?.term ?? id}
                      </button>
                    </span>
                  ))}
                </div>
              )}
            </dd>
          </div>
        ))}
      </dl>
    </dialog>
  );
}
