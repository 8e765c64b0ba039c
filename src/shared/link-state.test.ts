import { describe, expect, it } from 'vitest';
import { digitField, forwardLinkFields } from './forward-link-fields';
import { anyField, parseLink, serializeLink, type AnyLinkField } from './link-state';
import { SAMPLE_LINK_FIELDS } from './sample-settings-spec';
import { trainLinkFields } from './train-link-fields';

const forward = forwardLinkFields({
  scheduleKind: 'linear',
  compareKind: 'cosine',
  T: 1000,
  t: 500,
  noiseSeed: 1,
});
const fields: AnyLinkField[] = [
  ...Object.values(forward).map((f) => anyField(f as never)),
  anyField(digitField),
  ...trainLinkFields().map((f) => f.field),
  ...SAMPLE_LINK_FIELDS.map((f) => f.field),
];
const foreign = new Set(['backend']);

describe('parseLink', () => {
  it('reads every kind of field and leaves the rest out', () => {
    const r = parseLink(
      'schedule=cosine&T=200&t=199&compare=none&digit=3.12&train.batchSize=32&train.learningRate=0.001&train.qualityEvery=auto&train.schedule=sigmoid&sample.class=4&sample.clip=1&sample.eta=0.5',
      fields,
    );
    expect(r.problems).toEqual([]);
    expect(Object.fromEntries(r.values)).toEqual({
      schedule: 'cosine',
      T: 200,
      t: 199,
      compare: 'none',
      digit: { label: 3, index: 12 },
      'train.batchSize': 32,
      'train.learningRate': 0.001,
      'train.qualityEvery': 'auto',
      'train.schedule': 'sigmoid',
      'sample.class': 4,
      'sample.clip': true,
      'sample.eta': 0.5,
    });
  });

  it('refuses values out of range, unreadable or unknown, naming each, and keeps the good ones', () => {
    const r = parseLink(
      'T=5000&t=abc&schedule=wavy&train.batchSize=9999&train.prediction=banana&sample.class=10&sample.count=1.5&digit=x&nonsense=1&backend=wasm&sample.seed=7',
      fields,
      foreign,
    );
    expect(Object.fromEntries(r.values)).toEqual({ 'sample.seed': 7 });
    expect(r.problems.map((p) => p.text)).toEqual([
      'Forward · Schedule = “wavy”: must be one of linear, cosine, scaled-linear, sigmoid',
      'Forward · T = “5000”: must be a whole number from 10 to 1000',
      'Forward · t = “abc”: must be a whole number from 0 to 999',
      'Forward · MNIST digit = “x”: must be a class and an index, like 7.0 (class 7, its first digit)',
      'Train · Predicts = “banana”: must be one of epsilon, v, x0, flow',
      'Train · Batch = “9999”: must be a whole number from 1 to 256',
      'Sample · Samples = “1.5”: must be a whole number from 1 to 64',
      'Sample · Class = “10”: must be any or a whole number from 0 to 9',
      '“nonsense” is not a setting of this page',
    ]);
  });

  it('checks t against the T of the same link', () => {
    expect(parseLink('T=100&t=99', fields).problems).toEqual([]);
    expect(parseLink('T=100&t=100', fields).problems.map((p) => p.text)).toEqual([
      'Forward · t = “100”: must be a whole number from 0 to 99',
    ]);
  });

  it('refuses an empty number and a learning rate beyond the spec', () => {
    const r = parseLink('train.seed=&train.learningRate=1', fields);
    expect(r.problems.map((p) => p.key)).toEqual(['train.learningRate', 'train.seed']);
  });
});

describe('serializeLink', () => {
  it('leaves defaults out, keeps foreign parameters, drops unknown ones', () => {
    const values = new Map<string, unknown>([
      ['T', 1000],
      ['t', 250],
      ['digit', { label: 7, index: 0 }],
      ['sample.class', null],
      ['sample.sampler', 'ddpm'],
      ['train.batchSize', 32],
    ]);
    expect(serializeLink(values, fields, '?backend=wasm&junk=1', foreign)).toBe(
      'backend=wasm&t=250&train.batchSize=32&sample.sampler=ddpm',
    );
  });

  it('round-trips what it writes', () => {
    const text =
      'schedule=sigmoid&compare=none&T=64&t=3&noise=99&digit=0.5&train.T=300&train.learningRate=0.0005&train.qualityEvery=0&sample.class=any&sample.guidance=3.5&sample.clip=1';
    const read = parseLink(text, fields);
    expect(read.problems).toEqual([]);
    const written = serializeLink(read.values, fields);
    // sample.class=any is the default: left out.
    expect(written).toBe(text.replace('&sample.class=any', ''));
    expect(parseLink(written, fields).values).toEqual(
      new Map([...read.values].filter(([k]) => k !== 'sample.class')),
    );
  });
});
