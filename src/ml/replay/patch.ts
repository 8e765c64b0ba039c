/** Swapping an object's methods for a while, undoably (the recorder watches tfjs' GPU calls). */

/** Sets `obj[name]`; returns the undo (restoring an own property, or removing ours). */
export function replace(obj: object, name: string, value: unknown): () => void {
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
): () => void {
  const original = obj[name];
  const bound: unknown = typeof original === 'function' ? original.bind(obj) : original;
  return replace(obj, name, make(bound as T[K]));
}

/** A method (of an instance, or of a prototype) that calls `before(args)` first. */
export function tap(obj: object, name: string, before: (args: unknown[]) => void): () => void {
  const original = (obj as Record<string, (...args: unknown[]) => unknown>)[name];
  return replace(obj, name, function (this: unknown, ...args: unknown[]) {
    before(args);
    return original?.apply(this, args);
  });
}
