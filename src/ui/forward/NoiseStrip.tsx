import { evenlySpacedTimesteps } from '../../ml/schedule';
import { IMAGE_SIZE, STRIP_COUNT, STRIP_WIDTH } from '../../shared/protocol';
import { useAppStore } from '../../state/store';
import { FrameCanvas } from '../components/FrameCanvas';

const SCALE = 3;

/** x_t at 8 evenly spaced timesteps; clicking one jumps the slider there. */
export function NoiseStrip() {
  const T = useAppStore((s) => s.T);
  const setTimestep = useAppStore((s) => s.setTimestep);
  const timesteps = evenlySpacedTimesteps(T, STRIP_COUNT);
  return (
    <section className="card strip" aria-label="x_t at evenly spaced timesteps">
      <h4>
        x<sub>t</sub> at {STRIP_COUNT} evenly spaced timesteps
      </h4>
      <FrameCanvas
        channel="strip"
        scale={SCALE}
        width={STRIP_WIDTH}
        height={IMAGE_SIZE}
        label="Noising strip"
        testId="strip-canvas"
      />
      <div className="strip-labels" style={{ maxWidth: STRIP_WIDTH * SCALE }}>
        {timesteps.map((t) => (
          <button
            key={t}
            type="button"
            className="link"
            title={`Set t to ${t}`}
            onClick={() => setTimestep(t)}
          >
            t={t}
          </button>
        ))}
      </div>
    </section>
  );
}
