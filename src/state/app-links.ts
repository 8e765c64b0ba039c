/**
 * The forward, training and sampling settings in the shared link (see link-sync.ts). The digit is
 * registered by client/digit-link.ts, which can ask the worker for it.
 */
import { forwardLinkFields } from '../shared/forward-link-fields';
import { SAMPLE_LINK_FIELDS } from '../shared/sample-settings-spec';
import {
  readTrainTarget,
  trainLinkFields,
  writeTrainTarget,
  type TrainLinkTarget,
} from '../shared/train-link-fields';
import { DEFAULT_TRAIN_SETTINGS, type TrainSettings } from '../shared/train-protocol';
import { bind, registerLinkPart, type LinkBinding } from './link-sync';
import { useAppStore } from './store';

const subscribe = (onChange: () => void) => useAppStore.subscribe(onChange);
const get = () => useAppStore.getState();

export function registerForwardLink(): void {
  const f = forwardLinkFields(useAppStore.getInitialState());
  registerLinkPart({
    bindings: [
      bind(
        f.scheduleKind,
        () => get().scheduleKind,
        (v) => get().setScheduleKind(v),
      ),
      bind(
        f.compareKind,
        () => get().compareKind ?? 'none',
        (v) => get().setCompareKind(v === 'none' ? null : v),
      ),
      // T before t: setT moves t along with it.
      bind(
        f.T,
        () => get().T,
        (v) => get().setT(v),
      ),
      bind(
        f.t,
        () => get().t,
        (v) => get().setTimestep(v),
      ),
      bind(
        f.noiseSeed,
        () => get().noiseSeed,
        (v) => get().setNoiseSeed(v),
      ),
    ],
    subscribe,
  });
}

/**
 * The Train form's settings. A model that arrives after the link was applied (the autosave or
 * the pretrained default, loaded once the backend is up) brings its own settings into the form;
 * the link's values are put back over them once, so the form shows what the link says.
 */
export function registerTrainLink(): void {
  const fields = trainLinkFields();
  const fromLink = new Map<string, unknown>();
  // In the link: what the form changes from the model on screen (or, before any, the recipe).
  // The model itself is not in the link, so the recipient's form starts from theirs.
  const read = (target: TrainLinkTarget) => {
    const s = get();
    const value = readTrainTarget(s.trainSettings, target);
    const base = readTrainTarget(s.model?.settings ?? DEFAULT_TRAIN_SETTINGS, target);
    return value === base ? undefined : value;
  };
  const bindings: LinkBinding[] = fields.map(({ target, field }) =>
    bind(
      // Written whenever read() gives a value, even one equal to the recipe's default.
      { ...field, equals: () => false },
      () => read(target),
      (v) => {
        fromLink.set(field.key, v);
        get().setTrainSettings(writeTrainTarget(get().trainSettings, target, v));
      },
    ),
  );
  const reapply = () => {
    let settings: TrainSettings = get().trainSettings;
    for (const { target, field } of fields) {
      if (fromLink.has(field.key)) {
        settings = { ...settings, ...writeTrainTarget(settings, target, fromLink.get(field.key)) };
      }
    }
    get().setTrainSettings(settings);
  };
  registerLinkPart({
    bindings,
    subscribe,
    restored: (applied) => {
      if (applied.size === 0 || get().model !== null) return;
      const off = useAppStore.subscribe((s, prev) => {
        if (s.model === prev.model || s.model === null) return;
        off();
        if (s.trainStatus !== 'running') reapply();
      });
    },
  });
}

export function registerSampleLink(): void {
  registerLinkPart({
    bindings: SAMPLE_LINK_FIELDS.map(({ name, field }) =>
      bind(
        field,
        () => get().sampleSettings[name],
        (v) => get().setSampleSettings({ [name]: v }),
      ),
    ),
    subscribe,
  });
}
