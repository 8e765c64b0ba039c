import { Component, type ErrorInfo, type ReactNode } from 'react';
import { PartGeneration } from './part-generation';

interface Props {
  /** What this part is, for the message ("the Train tab"). */
  readonly name: string;
  readonly children: ReactNode;
}

interface State {
  readonly error: Error | null;
  /** Bumped by "Reload this part": a new key mounts the children afresh. */
  readonly generation: number;
}

const CHUNK_FAILURE = /dynamically imported module|Importing a module script failed|Loading chunk/i;

/** In words a learner can act on: a failed download is not the same as a bug. */
function partFailureText(name: string, error: Error): string {
  return CHUNK_FAILURE.test(error.message)
    ? `Part of ${name} could not be downloaded (offline, or the site was updated since this page opened). Check the connection and press “Reload this part”.`
    : `${name[0]?.toUpperCase() ?? ''}${name.slice(1)} stopped with an error: ${error.message}`;
}

/**
 * One failing part (a chunk that did not download, a render error) shows a message with a way
 * back instead of blanking the whole page; the rest of the app keeps working.
 */
export class PartBoundary extends Component<Props, State> {
  override state: State = { error: null, generation: 0 };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.warn(`${this.props.name} failed`, error, info.componentStack);
  }

  override render(): ReactNode {
    const { error, generation } = this.state;
    if (error) {
      return (
        <section className="card part-error" role="alert" data-testid="part-error">
          <p>{partFailureText(this.props.name, error)}</p>
          <button
            type="button"
            title="Download this part of the page again and show it"
            onClick={() => this.setState({ error: null, generation: generation + 1 })}
          >
            Reload this part
          </button>
        </section>
      );
    }
    return (
      <PartGeneration.Provider value={generation}>
        <div key={generation}>{this.props.children}</div>
      </PartGeneration.Provider>
    );
  }
}
