import { describe, expect, it } from 'vitest';
import { GLOSSARY, filterGlossary, glossaryEntry } from './glossary-data';

describe('glossary', () => {
  it('has unique ids and cross-references that resolve', () => {
    const ids = GLOSSARY.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of GLOSSARY) {
      expect(e.text.length, e.id).toBeGreaterThan(40);
      for (const s of e.see) expect(glossaryEntry(s), `${e.id} → ${s}`).toBeDefined();
    }
  });

  it('covers the terms the screens use', () => {
    for (const id of ['forward-process', 'alpha-bar', 'ddim', 'eta', 'spacing', 'kid', 'ema'])
      expect(glossaryEntry(id)).toBeDefined();
  });

  it('filters on every word, in terms, other spellings and formulas', () => {
    expect(filterGlossary('').length).toBe(GLOSSARY.length);
    expect(filterGlossary('alpha bar').map((e) => e.id)).toContain('alpha-bar');
    expect(filterGlossary('TRAILING').map((e) => e.id)).toEqual(['spacing']);
    expect(filterGlossary('ε_u').map((e) => e.id)).toEqual(['guidance']);
    expect(filterGlossary('no such thing xyz')).toEqual([]);
  });
});
