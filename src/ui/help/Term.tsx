import type { ReactNode } from 'react';
import { useHelpStore } from '../../state/help-store';
import { glossaryEntry } from './glossary-data';

/** A term in running text that opens its glossary entry. */
export function Term({ id, children }: { id: string; children: ReactNode }) {
  const openGlossary = useHelpStore((s) => s.openGlossary);
  const entry = glossaryEntry(id);
  return (
    <button
      type="button"
      className="term"
      title={entry ? `Glossary: ${entry.text}` : 'Open the glossary'}
      onClick={() => openGlossary(id)}
    >
      {children}
    </button>
  );
}
