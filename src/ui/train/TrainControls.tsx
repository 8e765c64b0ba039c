import { useState } from 'react';
import {
  downloadModel,
  downloadModelForPytorch,
  loadModelFile,
  pauseTraining,
  resetTraining,
  restoreDefaultModel,
  startTraining,
  wouldDiscardModel,
} from '../../client/train-client';
import { DEFAULT_TRAIN_SETTINGS } from '../../shared/train-protocol';
import { useAppStore } from '../../state/store';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { downloadBlob } from '../export/download';

/** Start / pause / resume / reset, and the model file. */
export function TrainControls() {
  const status = useAppStore((s) => s.trainStatus);
  const backend = useAppStore((s) => s.backend);
  const notify = useAppStore((s) => s.notify);
  const [confirming, setConfirming] = useState(false);
  const [confirmingDefault, setConfirmingDefault] = useState(false);
  /** A model file waiting for the learner's yes: it would replace a model of their own. */
  const [pendingFile, setPendingFile] = useState<File | null>(null);
  const origin = useAppStore((s) => s.model?.origin ?? null);
  const load = (file: File) =>
    loadModelFile(file).catch((err: unknown) =>
      notify(
        'error',
        `Could not load the model: ${err instanceof Error ? err.message : String(err)}`,
      ),
    );
  const sameRecipe = useAppStore(
    (s) => JSON.stringify(s.trainSettings) === JSON.stringify(DEFAULT_TRAIN_SETTINGS),
  );
  const untouchedDefault = useAppStore(
    (s) =>
      s.model?.origin === 'default' &&
      JSON.stringify(s.trainSettings) === JSON.stringify(s.model.settings),
  );
  const ready = backend.status === 'ready';
  const hasModel = status !== 'empty';

  const train = () => {
    if (!hasModel) return startTraining(true);
    const { trainSettings, model, setTrainSettings } = useAppStore.getState();
    if (wouldDiscardModel(trainSettings)) return setConfirming(true);
    // "Train more" after the last step: as many steps again as the run asked for.
    if (model && trainSettings.totalSteps <= model.step) {
      setTrainSettings({ totalSteps: model.step + model.settings.totalSteps });
    }
    startTraining(false);
  };

  return (
    <section className="card" aria-label="Training controls">
      <div className="row wrap">
        {status === 'running' ? (
          <button
            type="button"
            title="Stop after this step; the model and its steps are kept"
            onClick={pauseTraining}
          >
            Pause
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            disabled={!ready}
            title="Go on training the current model (a new one if there is none)"
            onClick={train}
          >
            {hasModel ? (status === 'finished' ? 'Train more' : 'Resume') : 'Train'}
          </button>
        )}
        <button
          type="button"
          disabled={!hasModel}
          title="Start over: a fresh, untrained model with the settings below (asks first)"
          onClick={() => setConfirming(true)}
        >
          New model
        </button>
        <button
          type="button"
          disabled={!ready || status === 'running' || origin === 'default'}
          title="Go back to the pretrained model this page ships with"
          onClick={() => (hasModel ? setConfirmingDefault(true) : restoreDefaultModel())}
        >
          Pretrained default
        </button>
        <button
          type="button"
          disabled={!hasModel}
          title="Save the model with its settings and progress as a file, to load here again later"
          onClick={() =>
            downloadModel()
              .then(({ bytes, name }) => downloadBlob(new Blob([bytes as BlobPart]), name))
              .catch((e: unknown) => notify('error', e instanceof Error ? e.message : String(e)))
          }
        >
          Download model
        </button>
        <button
          type="button"
          disabled={!hasModel}
          title="Download a .zip for PyTorch: model.safetensors (weights, EMA, Adam state) and config.json. python/diffusion_playground samples and trains it; load its files back here."
          onClick={() =>
            downloadModelForPytorch()
              .then(({ bytes, name }) => downloadBlob(new Blob([bytes as BlobPart]), name))
              .catch((e: unknown) => notify('error', e instanceof Error ? e.message : String(e)))
          }
        >
          Export for PyTorch
        </button>
        <label className="file-button">
          Load model file
          <input
            type="file"
            accept=".dpmodel,.zip,.safetensors,application/octet-stream,application/zip"
            data-testid="model-file"
            title="Load a model file saved from this page (or its PyTorch export) in place of this one"
            disabled={!ready}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (!file) return;
              // The shipped default can always be fetched again; the learner's own model cannot.
              if (status === 'running' || (hasModel && origin !== 'default')) setPendingFile(file);
              else void load(file);
            }}
          />
        </label>
      </div>
      {confirmingDefault && (
        <ConfirmDialog
          label="Back to the pretrained model?"
          confirm="Discard and load the pretrained model"
          onConfirm={() => {
            setConfirmingDefault(false);
            restoreDefaultModel();
          }}
          onCancel={() => setConfirmingDefault(false)}
        >
          Discard the current model, its training history and its autosave, and load the pretrained
          default model? (Download it first to keep it.)
        </ConfirmDialog>
      )}
      {pendingFile && (
        <ConfirmDialog
          label="Replace the current model?"
          confirm="Load and replace"
          onConfirm={() => {
            setPendingFile(null);
            void load(pendingFile);
          }}
          onCancel={() => setPendingFile(null)}
        >
          Loading “{pendingFile.name}” replaces the current model
          {status === 'running' ? ', which is training now,' : ''} and its autosave. (Download it
          first to keep it.)
        </ConfirmDialog>
      )}
      {confirming && (
        <ConfirmDialog
          label="Discard the current model?"
          confirm="Discard and train a new model"
          onConfirm={() => {
            setConfirming(false);
            // The shipped model's own long recipe is nobody's choice: a new model starts from
            // the recommended one unless the learner edited the form.
            if (untouchedDefault) useAppStore.getState().setTrainSettings(DEFAULT_TRAIN_SETTINGS);
            resetTraining();
            startTraining(true);
          }}
          onCancel={() => setConfirming(false)}
          extra={
            !sameRecipe &&
            !untouchedDefault && (
              <button
                type="button"
                className="danger"
                title="The recipe chosen for the shortest time to recognisable digits"
                onClick={() => {
                  setConfirming(false);
                  useAppStore.getState().setTrainSettings(DEFAULT_TRAIN_SETTINGS);
                  resetTraining();
                  startTraining(true);
                }}
              >
                Discard and train the recommended recipe
              </button>
            )
          }
        >
          {hasModel && wouldDiscardModel(useAppStore.getState().trainSettings)
            ? 'These settings need a new model. '
            : ''}
          Discard the current model and its training history? (Download it first to keep it.)
        </ConfirmDialog>
      )}
    </section>
  );
}
