import { lazy, useContext, type ComponentType, type LazyExoticComponent } from 'react';
import { withRetries } from '../../shared/retry';
import { PartGeneration } from './part-generation';

/**
 * A code-split part. React.lazy keeps a failed import forever, so a boundary's "Reload this
 * part" could never load it again; here a failed download is retried a couple of times, and a
 * failure that still reaches the boundary is forgotten: the next mount imports afresh.
 */
export function lazyPart<P extends object>(
  load: () => Promise<{ default: ComponentType<P> }>,
): ComponentType<P> {
  const attempt = () => withRetries(load, 2, 800);
  // A failed lazy keeps throwing until its boundary reloads the part: a render that suspended
  // and failed is retried by React from scratch, so only the boundary's generation (not the
  // component's own state) may decide when to import again.
  let failed = false;
  let generation = 0;
  const make = () =>
    lazy(() =>
      attempt().catch((error: unknown) => {
        failed = true;
        throw error;
      }),
    );
  let current: LazyExoticComponent<ComponentType<P>> = make();
  return function LazyPart(props: P) {
    const now = useContext(PartGeneration);
    if (now !== generation) {
      generation = now;
      if (failed) {
        failed = false;
        current = make();
      }
    }
    const Part = current;
    return <Part {...props} />;
  };
}
