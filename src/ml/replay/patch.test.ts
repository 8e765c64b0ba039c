import { describe, expect, it } from 'vitest';
import { override, replace, tap, undoAll } from './patch';

class Greeter {
  greet(name: string): string {
    return `hello ${name}`;
  }
}

describe('method patches and their undo', () => {
  it('tap on a prototype calls the watcher first, and its undo restores the original', () => {
    const original = Greeter.prototype.greet;
    const seen: unknown[] = [];
    const undo = tap(Greeter.prototype, 'greet', (args) => seen.push(args[0]));
    expect(new Greeter().greet('a')).toBe('hello a');
    expect(seen).toEqual(['a']);
    undo();
    expect(Greeter.prototype.greet).toBe(original);
    expect(new Greeter().greet('b')).toBe('hello b');
    expect(seen).toEqual(['a']);
  });

  it("override on an instance shadows the inherited method; its undo removes the instance's own", () => {
    const g = new Greeter();
    const undo = override(g, 'greet', (greet) => (name) => greet(name).toUpperCase());
    expect(g.greet('a')).toBe('HELLO A');
    expect(Object.hasOwn(g, 'greet')).toBe(true);
    undo();
    expect(Object.hasOwn(g, 'greet')).toBe(false);
    expect(g.greet('a')).toBe('hello a');
  });

  it('undoAll undoes last first, all of them even when one throws', () => {
    const o: Record<string, unknown> = { x: 1 };
    const undos = [
      replace(o, 'x', 2),
      () => {
        throw new Error('broken undo');
      },
      replace(o, 'x', 3),
    ];
    expect(o.x).toBe(3);
    expect(() => undoAll(undos)).toThrow('broken undo');
    expect(o).toEqual({ x: 1 });
  });
});
