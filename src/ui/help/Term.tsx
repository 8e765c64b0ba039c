import type { ReactNode } from 'react';
import { useHelpStore } from '../../state/help-store';
import { glossaryEntry } from './glossary-data';

/**
 * A term in running text that opens its glossary entry. A link rather than a button: it stays
 * inline, so the text around it wraps as text does.
 */
export function Term({ id, children }: { id: string; children: ReactNode }) {
  const openGlossary = useHelpStore((s) => s.openGlossary);
  const entry = glossaryEntry(id);
  return (
    <a
      href={`#glossary-${id}`}
      className="term"
      title={entry ? `Glossary: ${entry.text}` : 'Open the glossary'}
      onClick={(e) => {
        e.preventDefault();
        openGlossary(id);
      }}
    >
      {children}
    </a>
  );
}
