import { beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_TRAIN_SETTINGS,
  type ModelSummary,
  type TrainSettings,
} from '../shared/train-protocol';
import { useAppStore } from './store';

describe('forward settings', () => {
  beforeEach(() => {
    useAppStore.setState({ T: 1000, t: 500 });
  });

  it('clamps t to 0..T−1 and steps it', () => {
    const { setTimestep, stepTimestep } = useAppStore.getState();
    setTimestep(5000);
    expect(useAppStore.getState().t).toBe(999);
    setTimestep(-3);
    expect(useAppStore.getState().t).toBe(0);
    stepTimestep(-1);
    expect(useAppStore.getState().t).toBe(0);
    stepTimestep(10);
    expect(useAppStore.getState().t).toBe(10);
  });

  it('changing T keeps t at the same point of the process and clamps T to 10..1000', () => {
    useAppStore.getState().setT(100);
    expect(useAppStore.getState()).toMatchObject({ T: 100, t: 50 });
    useAppStore.getState().setT(3);
    expect(useAppStore.getState().T).toBe(10);
    useAppStore.getState().setT(1e9);
    expect(useAppStore.getState().T).toBe(1000);
    useAppStore.getState().setT(Number.NaN);
    expect(useAppStore.getState().T).toBe(10);
  });
});

describe('training settings', () => {
  it('follow the forward panel schedule until a model exists', () => {
    const s = useAppStore.getState();
    s.setScheduleKind('cosine');
    s.setT(200);
    s.setZeroTerminalSnr(true);
    const followed = { kind: 'cosine', T: 200, zeroTerminalSnr: true };
    expect(useAppStore.getState().trainSettings.schedule).toEqual(followed);
    useAppStore.setState({ trainStatus: 'paused' });
    useAppStore.getState().setScheduleKind('sigmoid');
    useAppStore.getState().setZeroTerminalSnr(false);
    expect(useAppStore.getState().trainSettings.schedule).toEqual(followed);
  });
});

describe('sampling settings follow what the model can be sampled with', () => {
  const model = (prediction: TrainSettings['prediction']): ModelSummary => ({
    settings: { ...DEFAULT_TRAIN_SETTINGS, prediction },
    step: 1,
    params: 1,
    origin: 'new',
    backend: 'cpu',
    card: null,
  });

  it('a flow-matching model takes Euler for DDIM or DDPM, and keeps Heun; an ε model takes DDIM for Heun', () => {
    const s = useAppStore.getState();
    s.setSampleSettings({ sampler: 'ddpm' });
    s.setTrainStatus('finished', model('flow'), null);
    expect(useAppStore.getState().sampleSettings.sampler).toBe('euler');
    s.setSampleSettings({ sampler: 'heun', steps: 7 });
    s.setTrainStatus('paused', model('flow'), null);
    expect(useAppStore.getState().sampleSettings).toMatchObject({ sampler: 'heun', steps: 7 });
    s.setTrainStatus('finished', model('epsilon'), null);
    expect(useAppStore.getState().sampleSettings).toMatchObject({ sampler: 'ddim', steps: 7 });
    s.setSampleSettings({ sampler: 'ddpm' });
    s.setTrainStatus('empty', null, null);
    expect(useAppStore.getState().sampleSettings.sampler).toBe('ddpm');
  });
});
