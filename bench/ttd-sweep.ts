/**
 * One config of the time-to-digits sweep (bench/README.md): trains the recipe (the app's default
 * with a JSON override) on wasm and scores at fixed update counts, so configs compare at equal
 * steps however busy the machine is; the README converts steps to minutes with steps/s measured
 * for all configs in one process.
 *
 *   npx tsx bench/ttd-sweep.ts --recipe JSON --at 250,500,750 [--label NAME --json-file F]
 *   npx tsx bench/ttd-sweep.ts --score-twin DIR   (samples from time_to_digits.py --at-steps)
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { setupNodeBackend } from '../src/node/backends';
import { runMain } from '../src/node/run-main';
import { DEFAULT_TRAIN_SETTINGS, type TrainSettings } from '../src/shared/train-protocol';
import { formatTtdTable, runTimeToDigits, scoreTwin } from './time-to-digits';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      recipe: { type: 'string', default: '{}' },
      at: { type: 'string', default: '250,500,750' },
      label: { type: 'string', default: 'tfjs' },
      'json-file': { type: 'string' },
      'score-twin': { type: 'string' },
    },
  });
  if (values['score-twin'] !== undefined) {
    await setupNodeBackend('wasm');
    const twin = await scoreTwin(values['score-twin']);
    process.stdout.write(`${formatTtdTable(twin)}\n`);
    if (values['json-file'])
      writeFileSync(values['json-file'], `${JSON.stringify(twin, null, 2)}\n`);
    return;
  }
  const settings: TrainSettings = {
    ...DEFAULT_TRAIN_SETTINGS,
    ...(JSON.parse(values.recipe) as Partial<TrainSettings>),
  };
  const atSteps = values.at.split(',').map(Number);
  await setupNodeBackend('wasm');
  const run = await runTimeToDigits({
    backend: 'wasm',
    settings,
    seconds: Infinity,
    every: Infinity,
    atSteps,
    label: values.label,
    log: (line) => void process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${formatTtdTable(run)}\n`);
  if (values['json-file']) writeFileSync(values['json-file'], `${JSON.stringify(run, null, 2)}\n`);
}

runMain(main);
