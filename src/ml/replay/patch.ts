/**
 * Swapping an object's methods for a while, undoably: the recorder watches tfjs' GPU calls only
 * while it records (tfjs-internals.ts applies these, and undoes them when a recording pauses).
 */

/** Puts back what a patch replaced. */
export type Undo = () => void;

/** Sets `obj[name]`; returns the undo (restoring an own property, or removing ours). */
export function replace(obj: object, name: string, value: unknown): Undo {
  const o = obj as Record<string, unknown>;
  const own = Object.prototype.hasOwnProperty.call(o, name);
  const original = o[name];
  o[name] = value;
  return () => {
    if (own) o[name] = original;
    else delete o[name];
  };
}

/** An instance's method replaced by `make(the original, bound to it)`; returns the undo. */
export function override<T extends object, K extends keyof T & string>(
  obj: T,
  name: K,
  make: (original: T[K]) => T[K],
): Undo {
  const original = obj[name];
  const bound: unknown = typeof original === 'function' ? original.bind(obj) : original;
  return replace(obj, name, make(bound as T[K]));
}

/** A method (of an instance, or of a prototype) that calls `before(args)` first. */
export function tap(obj: object, name: string, before: (args: unknown[]) => void): Undo {
  const original = (obj as Record<string, (...args: unknown[]) => unknown>)[name];
  return replace(obj, name, function (this: unknown, ...args: unknown[]) {
    before(args);
    return original?.apply(this, args);
  });
}

/** Undoes `undos` last first, every one of them even when one throws (the first error is rethrown). */
export function undoAll(undos: readonly Undo[]): void {
  let failure: { error: unknown } | null = null;
  for (const u of [...undos].reverse()) {
    try {
      u();
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
}
