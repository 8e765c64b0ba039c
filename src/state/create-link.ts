/** The Create tab's settings in the shared link (see link-sync.ts and shared/create-link-fields.ts). */
import {
  CREATE_DEFAULTS,
  createLinkFields,
  type CreateLinkValues,
} from '../shared/create-link-fields';
import { useCreateStore } from './create-store';
import { bind, registerLinkPart, type LinkBinding } from './link-sync';

// Every Create setting that belongs in a link: the keys of its defaults.
const KEYS = Object.keys(CREATE_DEFAULTS) as (keyof CreateLinkValues)[];

export function registerCreateLink(): void {
  const fields = createLinkFields(CREATE_DEFAULTS);
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
