/** Which main tab is open: its own small store, so the shared link can read and set it. */
import { create } from 'zustand';
import { choiceField } from '../shared/link-state';
import { bind, registerLinkPart } from './link-sync';

interface TabState {
  tab: string;
  setTab: (tab: string) => void;
}

export const useTabStore = create<TabState>()((set) => ({
  tab: 'forward',
  setTab: (tab) => set({ tab }),
}));

/** The tab in the link (?tab=train); `ids` are the App's tabs, the first one the default. */
export function registerTabLink(ids: readonly [string, ...string[]]): void {
  const field = choiceField('tab', 'Tab', ids, ids[0]);
  registerLinkPart({
    bindings: [
      bind(
        field,
        () => useTabStore.getState().tab,
        (tab) => useTabStore.getState().setTab(tab),
      ),
    ],
    subscribe: (onChange) => useTabStore.subscribe(onChange),
  });
}
