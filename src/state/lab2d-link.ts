/** The 2-D lab's settings in the shared link (see link-sync.ts and shared/lab2d-link-fields.ts). */
import { isPresetName } from '../ml/lab2d/datasets';
import { lab2dLinkFields } from '../shared/lab2d-link-fields';
import { presetData, useLab2dStore, type Lab2dState } from './lab2d-store';
import { bind, registerLinkPart } from './link-sync';

const get = () => useLab2dStore.getState();
const setTrain = (patch: Partial<Lab2dState['trainSettings']>) =>
  useLab2dStore.setState({ trainSettings: { ...get().trainSettings, ...patch } });
const setSample = (patch: Partial<Lab2dState['sample']>) =>
  useLab2dStore.setState({ sample: { ...get().sample, ...patch } });

export function registerLab2dLink(): void {
  const d = useLab2dStore.getInitialState();
  const f = lab2dLinkFields({
    preset: isPresetName(d.dataSource) ? d.dataSource : 'two-moons',
    schedule: d.schedule,
    T: d.T,
    t: d.t,
    density: d.showDensity,
    fields: d.field === 'on',
    fieldOf: d.fieldFamily,
    objective: d.trainSettings.objective,
    trainSteps: d.trainSettings.steps,
    width: d.trainSettings.hidden,
    labels: d.trainSettings.conditional,
    denoiser: d.sample.source,
    sampleSteps: d.sample.steps,
    particles: d.sample.particles,
    solver: d.sample.solver,
    guide: d.sample.guideClass,
    scale: d.sample.scale,
    seed: d.sample.seed,
  });
  registerLinkPart({
    bindings: [
      // Drawn or uploaded points cannot travel in a link: only a preset is written.
      bind(
        f.preset,
        () => {
          const source = get().dataSource;
          return isPresetName(source) ? source : undefined;
        },
        (v) => useLab2dStore.setState({ points: presetData(v), dataSource: v, dataNote: null }),
      ),
      bind(
        f.schedule,
        () => get().schedule,
        (schedule) => useLab2dStore.setState({ schedule }),
      ),
      bind(
        f.T,
        () => get().T,
        (T) => useLab2dStore.setState({ T, t: Math.min(get().t, T - 1) }),
      ),
      bind(
        f.t,
        () => get().t,
        (t) => useLab2dStore.setState({ t }),
      ),
      bind(
        f.density,
        () => get().showDensity,
        (showDensity) => useLab2dStore.setState({ showDensity }),
      ),
      bind(
        f.fields,
        () => get().field === 'on',
        (v) => useLab2dStore.setState({ field: v ? 'on' : 'off' }),
      ),
      bind(
        f.fieldOf,
        () => get().fieldFamily,
        (fieldFamily) => useLab2dStore.setState({ fieldFamily }),
      ),
      bind(
        f.objective,
        () => get().trainSettings.objective,
        (objective) => setTrain({ objective }),
      ),
      bind(
        f.trainSteps,
        () => get().trainSettings.steps,
        (steps) => setTrain({ steps }),
      ),
      bind(
        f.width,
        () => get().trainSettings.hidden,
        (hidden) => setTrain({ hidden }),
      ),
      bind(
        f.labels,
        () => get().trainSettings.conditional,
        (conditional) => setTrain({ conditional }),
      ),
      bind(
        f.denoiser,
        () => get().sample.source,
        (source) => setSample({ source }),
      ),
      bind(
        f.sampleSteps,
        () => get().sample.steps,
        (steps) => setSample({ steps }),
      ),
      bind(
        f.particles,
        () => get().sample.particles,
        (particles) => setSample({ particles }),
      ),
      bind(
        f.solver,
        () => get().sample.solver,
        (solver) => setSample({ solver }),
      ),
      bind(
        f.guide,
        () => get().sample.guideClass,
        (guideClass) => setSample({ guideClass }),
      ),
      bind(
        f.scale,
        () => get().sample.scale,
        (scale) => setSample({ scale }),
      ),
      bind(
        f.seed,
        () => get().sample.seed,
        (seed) => setSample({ seed }),
      ),
    ],
    subscribe: (onChange) => useLab2dStore.subscribe(onChange),
  });
}
