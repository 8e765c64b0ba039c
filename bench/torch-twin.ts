/**
 * The PyTorch twin of the time-to-digits suite: runs bench/torch/time_to_digits.py (the same UNet,
 * recipe and checkpoints on this machine's CPU), then scores the samples it wrote with the same
 * classifier as the tfjs run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../cli/common';
import type { TrainSettings } from '../src/shared/train-protocol';
import { type TtdRun, scoreTwin } from './time-to-digits';

export interface TwinOptions {
  readonly settings: TrainSettings;
  readonly seconds: number;
  readonly every: number;
  readonly threads?: number;
  readonly python?: string;
  readonly log: (line: string) => void;
}

export async function runTwin(opts: TwinOptions): Promise<TtdRun | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'ttd-torch-'));
  try {
    const args = [
      join(ROOT, 'bench', 'torch', 'time_to_digits.py'),
      '--recipe',
      JSON.stringify(opts.settings),
      '--seconds',
      String(opts.seconds),
      '--every',
      String(opts.every),
      '--out',
      dir,
      ...(opts.threads === undefined ? [] : ['--threads', String(opts.threads)]),
    ];
    // Debian's python3-torch lives under the system python, which a pyenv shim may shadow.
    const python =
      opts.python ??
      process.env.PYTHON ??
      (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
    opts.log(`PyTorch twin: ${python} ${args.join(' ')}`);
    const child = spawnSync(python, args, {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (child.error || child.status !== 0) {
      opts.log(
        `PyTorch twin failed (${child.error?.message ?? `exit ${child.status}`}); ` +
          'install torch (Debian: apt-get install -y python3-torch)',
      );
      return undefined;
    }
    return await scoreTwin(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (s: number | null | undefined): string =>
  s == null ? 'not reached' : `${s.toFixed(0)} s`;

/** tfjs time to 80% ÷ the twin's, the figure the target is set on. */
export function ratioLine(run: TtdRun, twin: TtdRun): string {
  const a = run.timeTo['80%'];
  const b = twin.timeTo['80%'];
  const ratio = a != null && b != null && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a';
  const speed = (run.stepsPerSec / twin.stepsPerSec).toFixed(2);
  return (
    `time to 80%: ${run.backend} ${fmt(a)} vs PyTorch ${fmt(b)} → ${ratio} ` +
    `(steps/s ratio PyTorch ÷ ${run.backend}: ${(1 / Number(speed)).toFixed(2)}×; steps to 80%: ` +
    `${run.stepsTo['80%'] ?? '-'} vs ${twin.stepsTo['80%'] ?? '-'})`
  );
}
