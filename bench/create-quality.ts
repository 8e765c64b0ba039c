/**
 * `npm run bench:create [-- --backend wasm] [-- --seeds 5] [-- --digits 100] [-- --json]`
 *
 * The Create tab's quality, measured with the shipped model and classifier (figures only):
 * - SDEdit of the fixed scribbles (bench/scribbles.ts) at strength 0.6 with their class, DDIM-20
 *   and guidance 2 as the app's defaults, a few seeds each: the share read as that class.
 * - Inpainting the erased bottom half of held-out MNIST digits (any digit, no class given; RePaint
 *   defaults for 20 steps: jump length 1, 10 resamplings): the share read as the original class,
 *   and the largest change of the kept top half, in 1/255 steps of the 8-bit image.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, loadMnist } from '../cli/common';
import { openSamplingModel } from '../cli/model';
import { modelToPixels, pixelsToModel } from '../src/ml/forward';
import { argmaxRows, classify, loadClassifier } from '../src/ml/metrics/classifier';
import { splitIndices } from '../src/ml/mnist';
import { defaultResampling } from '../src/ml/repaint-schedule';
import { runToEnd } from '../src/ml/sample';
import type { NodeBackendName } from '../src/node/backends';
import { runMain } from '../src/node/run-main';
import { presetMask } from '../src/shared/masks';
import { DEFAULT_SAMPLE_SETTINGS, type SampleSettings } from '../src/shared/sample-protocol';
import { createStepper } from '../src/worker/create-job';
import type { SamplingModel } from '../src/worker/sample-job';
import { scribbles } from './scribbles';

const STRENGTH = 0.6;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'wasm' },
      seeds: { type: 'string', default: '5' },
      digits: { type: 'string', default: '100' },
      json: { type: 'boolean', default: false },
    },
  });
  const seeds = Number(values.seeds);
  const digitCount = Number(values.digits);
  const file = await openSamplingModel(
    join(ROOT, 'public', 'models', 'default'),
    DEFAULT_SAMPLE_SETTINGS.steps,
    values.backend as NodeBackendName,
  );
  const classifierFile = join(ROOT, 'public', 'models', 'classifier', 'classifier.dpmodel');
  const classifier = loadClassifier(new Uint8Array(readFileSync(classifierFile)), classifierFile);
  const model: SamplingModel = {
    denoise: file.denoise,
    schedule: file.schedule,
    prediction: file.prediction,
    step: file.meta.step,
  };
  const base: SampleSettings = { ...DEFAULT_SAMPLE_SETTINGS, count: 1 };
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(
    `backend ${file.backend.backend}; model step ${file.meta.step}; DDIM-${base.steps}, guidance ${base.guidance}`,
  );

  // SDEdit of the scribbles.
  const set = scribbles();
  const started = performance.now();
  const edited: Float32Array[] = [];
  const wanted: number[] = [];
  for (const s of set)
    for (let seed = 1; seed <= seeds; seed++) {
      const settings = { ...base, label: s.label, seed };
      const task = { kind: 'sdedit', image: s.pixels, strength: STRENGTH } as const;
      edited.push(await runToEnd(createStepper(model, settings, task).stepper));
      wanted.push(s.label);
    }
  const sdeditS = (performance.now() - started) / 1000;
  const asRead = async (xs: Float32Array[]) => {
    const all = new Float32Array(xs.length * 784);
    xs.forEach((x, k) => all.set(x, k * 784));
    return argmaxRows((await classify(classifier.params, all)).probs);
  };
  const sdeditRead = await asRead(edited);
  const sdeditOk = wanted.filter((l, k) => sdeditRead[k] === l).length;
  // The scribbles themselves, for comparison.
  const rawRead = await asRead(set.map((s) => pixelsToModel(s.pixels)));
  const rawOk = set.filter((s, k) => rawRead[k] === s.label).length;

  // Inpainting the bottom half of held-out digits (the same digits for both variants).
  const mnist = await loadMnist();
  const { heldOut } = splitIndices(mnist);
  const perClass = Math.ceil(digitCount / 10);
  const picks = mnist.byClass
    .flatMap((ids) => ids.filter((id) => heldOut.includes(id)).slice(0, perClass))
    .slice(0, digitCount);
  const mask = presetMask('bottom');
  const resampling = defaultResampling(base.steps);
  const erasedRead = await asRead(
    picks.map((id) => {
      const x = pixelsToModel(mnist.pixels.subarray(id * 784, (id + 1) * 784));
      return x.map((v, i) => (mask[i] === 1 ? -1 : v));
    }),
  );
  const labels = picks.map((id) => mnist.labels[id]!);
  const erasedOk = labels.filter((l, k) => erasedRead[k] === l).length;
  /** Unconditional (the model must guess the digit from the top half), or told the class. */
  const inpaint = async (classGiven: boolean) => {
    const started = performance.now();
    const painted: Float32Array[] = [];
    let maxKnownChange255 = 0;
    for (const [k, id] of picks.entries()) {
      const pixels = mnist.pixels.subarray(id * 784, (id + 1) * 784);
      const task = { kind: 'inpaint', image: pixels, mask, ...resampling } as const;
      const label = classGiven ? labels[k]! : null;
      const settings = { ...base, label, seed: k + 1 };
      const x = await runToEnd(createStepper(model, settings, task).stepper);
      painted.push(x);
      const out = modelToPixels(x);
      for (let i = 0; i < 784; i++)
        if (mask[i] === 0)
          maxKnownChange255 = Math.max(maxKnownChange255, Math.abs(out[i]! - pixels[i]!));
    }
    const read = await asRead(painted);
    const originalClass = labels.filter((l, k) => read[k] === l).length / picks.length;
    const wallTimeS = Math.round((performance.now() - started) / 100) / 10;
    log(
      `inpainting, class ${classGiven ? 'given' : 'not given'}: ${originalClass} in ${wallTimeS} s`,
    );
    return { originalClass, maxKnownChange255, wallTimeS };
  };
  const unconditional = await inpaint(false);
  const withClass = await inpaint(true);

  const report = {
    backend: file.backend.backend,
    sampler: `DDIM-${base.steps} (trailing, η = 0), guidance ${base.guidance}`,
    sdedit: {
      strength: STRENGTH,
      scribbles: set.length,
      seedsEach: seeds,
      samples: edited.length,
      readAsClass: sdeditOk / edited.length,
      scribblesAlreadyReadAsClass: rawOk / set.length,
      wallTimeS: Math.round(sdeditS * 10) / 10,
    },
    inpaint: {
      mask: 'bottom half',
      resampling,
      digits: picks.length,
      erasedDigitsReadAsClass: erasedOk / picks.length,
      unconditional,
      withClass,
    },
  };
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
    process.stdout.write(
      [
        `Create quality on ${report.backend}, ${report.sampler}`,
        `SDEdit s = ${STRENGTH}: ${edited.length} edits of ${set.length} scribbles read as their class: ${pct(report.sdedit.readAsClass)} (the scribbles alone: ${pct(report.sdedit.scribblesAlreadyReadAsClass)}), ${report.sdedit.wallTimeS} s`,
        `Inpainting the bottom half of ${picks.length} held-out digits (jump length ${resampling.jumpLength}, ${resampling.jumpCount} resamplings; the top half alone reads as the class ${pct(erasedOk / picks.length)}):`,
        ...(
          [
            ['no class given', unconditional],
            ['class given', withClass],
          ] as const
        ).map(
          ([what, r]) =>
            `  ${what}: original class ${pct(r.originalClass)}, kept half changed by at most ${r.maxKnownChange255}/255, ${r.wallTimeS} s`,
        ),
      ].join('\n') + '\n',
    );
  }
  file.dispose();
}

runMain(main, 'error: ');
