/**
 * Whether the PyTorch round-trip checks can run: a python3 with torch (Debian's python3-torch) —
 * $PYTHON, else the first of `python3` on the PATH and Debian's /usr/bin/python3 that imports it
 * (a pyenv or venv python3 often shadows the system one). Without one they skip and say why,
 * except in CI, which installs it before any test (scripts/ensure-torch.sh): there it fails.
 */
import { spawnSync } from 'node:child_process';

const CANDIDATES = process.env['PYTHON']
  ? [process.env['PYTHON']]
  : ['python3', '/usr/bin/python3'];

/** The interpreter to run python/diffusion_playground with, or null (after saying why). */
export function torchPython(): string | null {
  for (const python of CANDIDATES) {
    const probe = spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
    if (probe.status === 0) return python;
  }
  const why = `the PyTorch round-trip checks need ${CANDIDATES.join(' or ')} with torch and numpy (apt-get install python3-torch)`;
  if (process.env['CI']) throw new Error(`${why}; CI installs it first, so this is a broken setup`);
  console.warn(`Skipped: ${why}.`);
  return null;
}
