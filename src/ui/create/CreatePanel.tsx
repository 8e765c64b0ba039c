import { startCreate } from '../../client/create-client';
import { useCreateStore, type CreateMode } from '../../state/create-store';
import { useAppStore } from '../../state/store';
import { Explainer } from '../components/Explainer';
import { X0Picker } from '../forward/X0Picker';
import { SamplePlayer } from '../sample/SamplePlayer';
import { SampleSettingsForm } from '../sample/SampleSettingsForm';
import { CreateExport } from './CreateExport';
import { CreateView } from './CreateView';
import { InpaintControls } from './InpaintControls';
import { InterpolateControls } from './InterpolateControls';
import { SdeditControls } from './SdeditControls';

const MODES: readonly { id: CreateMode; label: string; title: string; run: string }[] = [
  {
    id: 'sdedit',
    label: 'SDEdit',
    title: 'Noise your image part of the way, then let the model denoise it into a clean digit',
    run: 'SDEdit',
  },
  {
    id: 'inpaint',
    label: 'Inpaint',
    title: 'Erase part of a digit and let the model fill it in',
    run: 'Inpaint',
  },
  {
    id: 'interpolate',
    label: 'Interpolate',
    title: 'Walk smoothly from one sample to another',
    run: 'Interpolate',
  },
];

function ModeExplainer({ mode }: { mode: CreateMode }) {
  switch (mode) {
    case 'sdedit':
      return (
        <Explainer id="create-sdedit">
          <p>
            <b>SDEdit</b> joins the two halves of diffusion: the forward process noises your image
            to a middle timestep t₀, x<sub>t₀</sub> = √ᾱ·x + √(1−ᾱ)·ε (first frame, left; your image
            on the right), and the reverse process finishes the run from there. The <b>strength</b>{' '}
            picks t₀ as diffusers’ img2img does: of n steps the run keeps the last ⌊n·s⌋. Little
            strength keeps your strokes but also their roughness; more lets the model redraw more —
            at 1 it ignores the image. The strengths strip shows this trade-off from one seed.
          </p>
        </Explainer>
      );
    case 'inpaint':
      return (
        <Explainer id="create-inpaint">
          <p>
            <b>Inpainting</b> (RePaint): paint a mask over the part to redo. At every step the kept
            part is replaced by your image noised to that step’s level, and only the masked part
            (outlined in red) comes from the model, so at the end the kept part is exactly yours.{' '}
            <b>Resampling</b> goes back a few steps by adding noise and takes them again, giving the
            two parts time to agree; the paper uses jump length 10 and 10 resamplings over 250
            steps, here the jump length is scaled to the steps (20 steps → 1). Going back shows as x
            <sub>t</sub> getting noisier for a frame.
          </p>
        </Explainer>
      );
    case 'interpolate':
      return (
        <Explainer id="create-interpolate">
          <p>
            <b>Interpolation</b> walks from one sample to another. Between two <b>seeds</b> it mixes
            the starting noises by spherical interpolation (slerp), which keeps the mix looking like
            noise the model has seen; between two <b>classes</b> it keeps one noise and mixes the
            two classes’ label embeddings. With DDIM at η = 0 (or Euler, for a flow-matching model)
            each starting point has one path to a digit, so the frames change smoothly — and the two
            end frames are exactly the plain samples of those seeds or classes.
          </p>
        </Explainer>
      );
  }
}

/** Make things with the model: SDEdit, inpainting and interpolation, stepped through like sampling. */
export default function CreatePanel() {
  const mode = useCreateStore((s) => s.mode);
  const message = useCreateStore((s) => s.message);
  const set = useCreateStore((s) => s.set);
  const sampleMessage = useAppStore((s) => s.sampleMessage);
  const model = useAppStore((s) => s.model);
  const current = MODES.find((m) => m.id === mode) ?? MODES[0]!;
  return (
    <main className="train">
      <div className="col controls">
        <div className="tabs" role="tablist" aria-label="What to create">
          {MODES.map((m) => (
            <button
              key={m.id}
              type="button"
              role="tab"
              aria-selected={mode === m.id}
              title={m.title}
              onClick={() => set({ mode: m.id, message: null })}
            >
              {m.label}
            </button>
          ))}
        </div>
        <SamplePlayer
          start={startCreate}
          startLabel={current.run}
          startDescription={`${current.title}, step by step`}
        />
        {mode === 'sdedit' && <SdeditControls />}
        {mode === 'interpolate' && <InterpolateControls />}
        <SampleSettingsForm withCount={false} />
      </div>
      <div className="col view">
        <ModeExplainer mode={mode} />
        {!model && (
          <p className="card notice" data-testid="create-no-model">
            No model yet. Train one in “2 · Train a denoiser”, or load a model file there.
          </p>
        )}
        {(message ?? sampleMessage) && (
          <p className="train-message" role="status" data-testid="create-message">
            {message ?? sampleMessage}
          </p>
        )}
        {mode !== 'interpolate' && <X0Picker />}
        {mode === 'inpaint' && <InpaintControls />}
        <CreateView />
        <CreateExport />
      </div>
    </main>
  );
}
