/** `sdedit`, `inpaint` and `interpolate` end to end through the launcher, on the shipped default model (wasm). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import UPNG from 'upng-js';
import { afterAll, describe, expect, it } from 'vitest';
import { drawPolylines } from '../src/shared/brush';

const BIN = join(dirname(fileURLToPath(import.meta.url)), 'bin.mjs');
const MODEL = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'models', 'default');

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A grayscale image as an RGBA PNG file. */
function writePng(file: string, gray: Uint8Array, width: number, height: number): void {
  const rgba = new Uint8Array(width * height * 4);
  gray.forEach((v, i) => rgba.set([v, v, v, 255], 4 * i));
  writeFileSync(file, new Uint8Array(UPNG.encode([rgba.buffer], width, height, 0)));
}

function readPng(file: string): { width: number; height: number; frames: number; gray: number[] } {
  const bytes = readFileSync(file);
  const img = UPNG.decode(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const rgba = new Uint8Array(UPNG.toRGBA8(img)[0]!);
  return {
    width: img.width,
    height: img.height,
    frames: Math.max(1, img.frames.length),
    gray: Array.from(rgba.filter((_, i) => i % 4 === 0)),
  };
}

describe('cli: create commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dp-create-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A rough "7" drawn with the app's pen.
  const seven = join(dir, 'seven.png');
  const digit = drawPolylines([
    [
      { x: 7, y: 6 },
      { x: 20, y: 6 },
      { x: 12, y: 23 },
    ],
  ]);
  writePng(seven, digit, 28, 28);
  const small = join(dir, 'small.png');
  writePng(small, new Uint8Array(100), 10, 10);
  const black = join(dir, 'black.png');
  writePng(black, new Uint8Array(784), 28, 28);
  const text = join(dir, 'note.png');
  writeFileSync(text, 'not an image');
  const out = join(dir, 'out.png');
  const common = ['--backend', 'wasm', '--model', MODEL, '--out', out];

  it('--help lists them', () => {
    const r = cli('--help');
    for (const c of ['sdedit', 'inpaint', 'interpolate'])
      expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
  });

  it.each([
    [['sdedit', ...common, '--input', join(dir, 'nope.png')], /input image not found: .*nope\.png/],
    [
      ['sdedit', ...common, '--input', small],
      /small\.png is 10×10 pixels: the input image must be 28×28/,
    ],
    [['sdedit', ...common, '--input', text], /note\.png is not a PNG image/],
    [['sdedit', ...common, '--input', seven, '--strength', '0'], /each above 0 and at most 1/],
    [['sdedit', ...common, '--input', seven, '--strength', '0.01'], /keeps no step/],
    [['inpaint', ...common, '--input', seven, '--mask', black], /black\.png is an empty mask/],
    [['inpaint', ...common, '--input', seven, '--mask', join(dir, 'none.png')], /mask not found/],
    [['inpaint', ...common, '--input', seven, '--mask', small], /the mask must be 28×28/],
    [['interpolate', ...common], /exactly one of --seed-b .* or --class-b/],
    [['interpolate', ...common, '--class-b', '3'], /--class gives the first class/],
    [['interpolate', ...common, '--seed-b', '2', '--frames', '1'], /--frames.*between 2 and 64/],
  ])('refuses %j with a message', (args, message) => {
    const r = cli(...args);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });

  it('sdedit writes the edited digit, a strip for several strengths, or the steps animated', () => {
    const one = cli('sdedit', ...common, '--input', seven, '--class', '7', '--steps', '5');
    expect(one.status, one.stderr).toBe(0);
    expect(readPng(out)).toMatchObject({ width: 28, height: 28, frames: 1 });
    const strip = cli(
      'sdedit',
      ...common,
      '--input',
      seven,
      '--steps',
      '5',
      '--strength',
      '0.2,0.6,1',
      '--scale',
      '2',
    );
    expect(strip.status, strip.stderr).toBe(0);
    expect(readPng(out)).toMatchObject({ width: 2 * (3 * 28 + 2 * 2), height: 56 });
    // Strength 0.6 of 5 steps keeps 3: the start and 3 steps.
    const anim = cli('sdedit', ...common, '--input', seven, '--steps', '5', '--animate');
    expect(anim.status, anim.stderr).toBe(0);
    expect(readPng(out).frames).toBe(4);
  });

  it('inpaint keeps the unmasked half as it is and paints the other', () => {
    const r = cli(
      'inpaint',
      ...common,
      '--input',
      seven,
      '--mask',
      'bottom',
      '--steps',
      '4',
      '--resample',
      '2',
    );
    expect(r.status, r.stderr).toBe(0);
    const { gray } = readPng(out);
    for (let i = 0; i < 14 * 28; i++) expect(Math.abs(gray[i]! - digit[i]!)).toBeLessThanOrEqual(1);
    expect(gray.slice(14 * 28)).not.toEqual(Array.from(digit.slice(14 * 28)));
  });

  it('interpolate writes an animated PNG of the frames, or a strip', () => {
    const r = cli('interpolate', ...common, '--seed-b', '5', '--frames', '3', '--steps', '3');
    expect(r.status, r.stderr).toBe(0);
    expect(readPng(out)).toMatchObject({ width: 28, height: 28, frames: 3 });
    const s = cli(
      'interpolate',
      ...common,
      '--class',
      '1',
      '--class-b',
      '7',
      '--frames',
      '4',
      '--steps',
      '3',
      '--strip',
    );
    expect(s.status, s.stderr).toBe(0);
    expect(readPng(out)).toMatchObject({ width: 4 * 28 + 3 * 2, height: 28, frames: 1 });
  });

  it('work on a flow-matching model too (Euler by default; DDIM refused in words)', () => {
    const flow = join(dir, 'flow');
    const t = cli(
      ...['train', '--backend', 'wasm', '--preset', 'micro', '--batch', '2', '--steps', '2'],
      ...['--prediction', 'flow', '--out', flow],
    );
    expect(t.status, t.stderr).toBe(0);
    const on = ['--backend', 'wasm', '--model', flow, '--out', out, '--steps', '4'];
    const sdedit = cli('sdedit', ...on, '--input', seven, '--strength', '0.5');
    expect(sdedit.status, sdedit.stderr).toBe(0);
    expect(readPng(out)).toMatchObject({ width: 28, height: 28, frames: 1 });
    const inpaint = cli('inpaint', ...on, '--input', seven, '--mask', 'bottom', '--resample', '2');
    expect(inpaint.status, inpaint.stderr).toBe(0);
    const { gray } = readPng(out);
    for (let i = 0; i < 14 * 28; i++) expect(Math.abs(gray[i]! - digit[i]!)).toBeLessThanOrEqual(1);
    const walk = cli('interpolate', ...on, '--seed-b', '5', '--frames', '3');
    expect(walk.status, walk.stderr).toBe(0);
    expect(readPng(out).frames).toBe(3);
    const ddim = cli('sdedit', ...on, '--input', seven, '--sampler', 'ddim');
    expect(ddim.status).not.toBe(0);
    expect(ddim.stderr).toContain('sample it with Euler or Heun, not DDIM');
  }, 240_000);
});
