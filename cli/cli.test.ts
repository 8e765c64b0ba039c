/** The CLI end to end (train, resume, sample, train-classifier, eval), spawned through its launcher (cli/bin.mjs) on the wasm backend. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../src/ml/checkpoint';

const BIN = join(dirname(fileURLToPath(import.meta.url)), 'bin.mjs');

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

interface Meta {
  step: number;
  settings: { totalSteps: number; batchSize: number; preset: string };
  history: { steps: number[]; losses: number[] };
}

const readMeta = (file: string) =>
  decodeCheckpoint<Meta>(new Uint8Array(readFileSync(file)), file).config;

describe('cli', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dp-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--help lists the commands', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    for (const c of ['train', 'sample', 'eval', 'train-classifier', 'bench'])
      expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
  });

  it.each([
    [['frobnicate'], /unknown command/],
    [['train', '--out', dir, '--steps', '0'], /--steps.*between 1 and/],
    [['train', '--out', dir, '--lr', 'fast'], /not a number/],
    [['train', '--out', dir, '--preset', 'huge'], /Allowed choices are micro, tiny, small/],
    [['train', '--out', dir, '--bogus'], /unknown option '--bogus'/],
    [['train', '--steps', '2'], /required option '--out <dir>'/],
    [['sample', '--model', dir, '--out', 'x.png', '--class', '12'], /between 0 and 9/],
    [['sample', '--model', join(dir, 'nope'), '--out', 'x.png'], /model not found/],
    [['eval', '--model', join(dir, 'nope')], /model not found/],
    [['train-classifier', '--batch', '-1'], /--batch.*between 1 and/],
  ])('rejects %j with a message', (args, message) => {
    const r = cli(...args);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });

  it('trains, resumes, samples a PNG grid, trains a classifier and evaluates', () => {
    const out = join(dir, 'model');
    const model = join(out, 'model.dpmodel');
    const base = ['train', '--backend', 'wasm', '--preset', 'tiny', '--batch', '2', '--out', out];
    const first = cli(...base, '--steps', '2');
    expect(first.status, first.stderr).toBe(0);
    expect(existsSync(model)).toBe(true);
    const card = JSON.parse(readFileSync(join(out, 'card.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(card).toMatchObject({ preset: 'tiny', seed: 1, steps: 2, backend: 'wasm' });
    expect(typeof card.wallTimeS).toBe('number');
    expect(typeof card.finalLoss).toBe('number');
    expect(readMeta(model)).toMatchObject({ step: 2, settings: { totalSteps: 2, batchSize: 2 } });

    const second = cli(...base, '--steps', '3');
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toContain('at step 2');
    const meta = readMeta(model);
    expect(meta.step).toBe(3);
    expect(meta.history.steps).toEqual([1, 2, 3]);
    // Training time adds up over runs of the same directory.
    const resumed = JSON.parse(readFileSync(join(out, 'card.json'), 'utf8')) as typeof card;
    expect(resumed.steps).toBe(3);
    expect(resumed.wallTimeS as number).toBeGreaterThan(card.wallTimeS as number);

    const clash = cli(...base, '--steps', '4', '--seed', '7');
    expect(clash.status).not.toBe(0);
    expect(clash.stderr).toMatch(/seed: saved 1, asked 7/);

    const png = join(dir, 'x.png');
    const s = cli(
      'sample',
      '--backend',
      'wasm',
      '--model',
      out,
      '--steps',
      '2',
      '--n',
      '4',
      '--out',
      png,
    );
    expect(s.status, s.stderr).toBe(0);
    // 2×2 grid of 28-pixel digits with 2-pixel gaps, at the default scale 1.
    expect(pngSize(readFileSync(png))).toEqual({ width: 58, height: 58 });

    const noClassifier = cli('eval', '--model', out, '--classifier', join(dir, 'none.dpmodel'));
    expect(noClassifier.status).not.toBe(0);
    expect(noClassifier.stderr).toMatch(/no classifier at .*train-classifier/);

    const cls = join(dir, 'cls.dpmodel');
    const c = cli(
      'train-classifier',
      '--backend',
      'wasm',
      '--steps',
      '3',
      '--batch',
      '8',
      '--out',
      cls,
    );
    expect(c.status, c.stderr).toBe(0);
    expect(JSON.parse(c.stdout)).toMatchObject({ steps: 3, backend: 'wasm' });
    const e = cli(
      ...['eval', '--backend', 'wasm', '--model', out, '--classifier', cls],
      ...['--n', '4', '--steps', '2'],
    );
    expect(e.status, e.stderr).toBe(0);
    const report = (JSON.parse(e.stdout) as { report: Record<string, unknown> }).report;
    expect(report).toMatchObject({ samples: 4 });
    expect(typeof report.kid).toBe('number');
    expect(typeof report.classAccuracy).toBe('number');
  }, 240_000);

  it('trains a flow-matching model, samples it with Euler and Heun, and refuses DDIM for it', () => {
    const out = join(dir, 'flow');
    const t = cli(
      ...['train', '--backend', 'wasm', '--preset', 'micro', '--batch', '2', '--steps', '2'],
      ...['--prediction', 'flow', '--out', out],
    );
    expect(t.status, t.stderr).toBe(0);
    expect(readMeta(join(out, 'model.dpmodel')).settings).toMatchObject({ prediction: 'flow' });
    const sample = (...extra: string[]) =>
      cli(
        ...['sample', '--backend', 'wasm', '--model', out, '--steps', '3', '--n', '1'],
        ...['--out', join(dir, `flow-${extra.join('')}.png`), ...extra],
      );
    // Without --sampler a flow model takes Euler, its deterministic sampler.
    for (const extra of [[], ['--sampler', 'euler'], ['--sampler', 'heun']]) {
      const r = sample(...extra);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(extra[1] === 'heun' ? /with heun 3 steps/ : /with euler 3 steps/);
      expect(pngSize(readFileSync(join(dir, `flow-${extra.join('')}.png`)))).toEqual({
        width: 28,
        height: 28,
      });
    }
    const ddim = sample('--sampler', 'ddim');
    expect(ddim.status).not.toBe(0);
    expect(ddim.stderr).toContain(
      'This model was trained with flow matching (it predicts a velocity): sample it with Euler or Heun, not DDIM.',
    );
  }, 120_000);
});
