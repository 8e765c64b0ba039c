import { useHelpStore } from '../../state/help-store';
import { Glossary } from './Glossary';
import { Tour } from './Tour';

/** The header's "Glossary" and "Tour", with the dialogs they open. */
export function HelpButtons() {
  const openGlossary = useHelpStore((s) => s.openGlossary);
  const startTour = useHelpStore((s) => s.startTour);
  return (
    <div className="help-buttons row" data-tour="help-buttons">
      <button
        type="button"
        title="Every term the app uses, in plain words, with its formula"
        data-testid="glossary-button"
        onClick={() => openGlossary()}
      >
        Glossary
      </button>
      <button
        type="button"
        title="A one-minute guided walk through the three tabs, with live examples"
        data-testid="tour-button"
        onClick={startTour}
      >
        Tour
      </button>
      <Glossary />
      <Tour />
    </div>
  );
}
