/** The CLI's `train` and the app's "New model" start from one recipe: DEFAULT_TRAIN_SETTINGS. */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { useAppStore } from '../src/state/store';
import { DEFAULT_TRAIN_SETTINGS } from '../src/shared/train-protocol';
import { type TrainOpts, addTrainOptions, trainSettingsFrom } from './train-options';

function parse(...args: string[]): TrainOpts {
  const cmd = addTrainOptions(new Command('train').exitOverride())
    .option('--memory-limit <MB>', '', Number, DEFAULT_TRAIN_SETTINGS.memoryLimitMB)
    .option('--out <dir>');
  cmd.parse(args, { from: 'user' });
  return cmd.opts<TrainOpts>();
}

describe('train defaults', () => {
  it("are the app's default recipe, field for field", () => {
    const settings = trainSettingsFrom(parse('--out', 'x'));
    expect(settings).toEqual({
      ...DEFAULT_TRAIN_SETTINGS,
      lossWeighting: DEFAULT_TRAIN_SETTINGS.lossWeighting ?? 'none',
      snrGamma: DEFAULT_TRAIN_SETTINGS.snrGamma ?? 5,
    });
    expect(useAppStore.getState().trainSettings).toEqual(DEFAULT_TRAIN_SETTINGS);
  });

  it('still lets every recipe setting be chosen', () => {
    const s = trainSettingsFrom(
      parse(
        ...['--preset', 'small', '--batch', '64', '--lr', '0.001', '--warmup', '7'],
        ...['--schedule', 'linear', '--T', '500', '--prediction', 'x0', '--weighting', 'none'],
        ...['--snr-gamma', '2', '--ema', '0.9', '--steps', '9', '--seed', '3'],
        '--zero-terminal-snr',
      ),
    );
    expect(s).toMatchObject({
      preset: 'small',
      batchSize: 64,
      learningRate: 0.001,
      warmupSteps: 7,
      schedule: { kind: 'linear', T: 500, zeroTerminalSnr: true },
      prediction: 'x0',
      lossWeighting: 'none',
      snrGamma: 2,
      emaDecay: 0.9,
      totalSteps: 9,
      seed: 3,
    });
  });
});
