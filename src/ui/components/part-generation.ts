import { createContext } from 'react';

/** Bumped by a PartBoundary's "Reload this part", so lazy parts inside know to import again. */
export const PartGeneration = createContext(0);
