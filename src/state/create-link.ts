/** The Create tab's settings in the shared link (see link-sync.ts and shared/create-link-fields.ts). */
import { createLinkFields, type CreateLinkValues } from '../shared/create-link-fields';
import { useCreateStore } from './create-store';
import { bind, registerLinkPart, type LinkBinding } from './link-sync';

const KEYS = [
  'mode',
  'strength',
  'jumpCount',
  'interpolation',
  'seedB',
  'classA',
  'classB',
  'frames',
] as const satisfies readonly (keyof CreateLinkValues)[];

export function registerCreateLink(): void {
  const d = useCreateStore.getInitialState();
  const fields = createLinkFields(d);
  // Each link value is the store's field of the same name.
  const bindOne = <K extends keyof CreateLinkValues>(key: K): LinkBinding =>
    bind(
      fields[key],
      () => useCreateStore.getState()[key],
      (value) => useCreateStore.getState().set({ [key]: value }),
    );
  registerLinkPart({
    bindings: KEYS.map(bindOne),
    subscribe: (onChange) => useCreateStore.subscribe(onChange),
  });
}
