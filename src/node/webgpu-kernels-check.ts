/**
 * Runs our WGSL kernels (src/ml/kernels) on webgpu through Dawn and compares them with the
 * tfjs-ops formulation on the same backend: GroupNorm value and gradients, and the conv filter
 * gradient through im2col. Prints one JSON line: {"backend", "cases": [{shape, groups, act,
 * maxRelErr, leaked}], "convCases": [{shape, k, stride, maxRelErr}]} or {"unavailable": reason}.
 * Used by src/ml/kernels/webgpu-kernels.test.ts; runs in its own process because Dawn needs
 * its library path set at process start.
 */
import { conv2dFilterGrad } from '../ml/conv2d';
import { setCustomKernels } from '../ml/kernels/register';
import { groupNorm } from '../ml/unet/group-norm';
import { BackendUnavailableError, reexecWithDawnEnv, setupNodeBackend } from './backends';

reexecWithDawnEnv();

const CASES: [number, number, number, number, number][] = [
  [2, 5, 3, 8, 4],
  [3, 7, 7, 16, 8],
  [1, 4, 6, 6, 3],
  [2, 2, 2, 4, 1],
];

async function main(): Promise<void> {
  let tf;
  try {
    ({ tf } = await setupNodeBackend('webgpu'));
  } catch (error) {
    if (!(error instanceof BackendUnavailableError)) throw error;
    process.stdout.write(`${JSON.stringify({ unavailable: error.message })}\n`);
    return;
  }
  const cases = [];
  for (const act of [false, true]) {
    for (const [b, h, w, c, groups] of CASES) {
      const x = tf.add(tf.mul(tf.randomNormal([b, h, w, c], 0, 1, 'float32', 7), 3), 1.5);
      const g = tf.randomNormal([c], 1, 0.5, 'float32', 8);
      const beta = tf.randomNormal([c], 0, 0.5, 'float32', 9);
      const r = tf.randomNormal([b, h, w, c], 0, 1, 'float32', 10);
      const run = async (kernels: boolean): Promise<number[][]> => {
        const f = (xi: typeof x, gi: typeof g, bi: typeof beta) =>
          tf.sum(tf.mul(groupNorm(xi as never, gi, bi, groups, { silu: act, kernels }), r));
        const out = tf.tidy(() => {
          const y = groupNorm(x as never, g, beta, groups, { silu: act, kernels });
          return [y, ...tf.grads(f)([x, g, beta])];
        });
        const values = await Promise.all(out.map(async (t) => Array.from(await t.data())));
        tf.dispose(out);
        return values;
      };
      const before = tf.memory().numTensors;
      const ours = await run(true);
      const leaked = tf.memory().numTensors - before;
      const ref = await run(false);
      let maxRelErr = 0;
      ref.forEach((rv, k) => {
        const scale = Math.max(1e-3, ...rv.map(Math.abs));
        const ov = ours[k] ?? [];
        for (let i = 0; i < rv.length; i++) {
          maxRelErr = Math.max(maxRelErr, Math.abs((ov[i] ?? NaN) - (rv[i] ?? NaN)) / scale);
        }
      });
      cases.push({ shape: [b, h, w, c], groups, act, maxRelErr, leaked });
      tf.dispose([x, g, beta, r]);
    }
  }
  // im2col: the filter gradient through our gather kernel against pad + slices + concat.
  const convCases: {
    shape: number[];
    k: number;
    stride: 1 | 2;
    maxRelErr: number;
    gathered: boolean;
  }[] = [];
  for (const [b, h, w, cin, cout, k, stride] of [
    [2, 7, 7, 3, 4, 3, 1],
    [2, 8, 8, 4, 6, 3, 2],
    [1, 9, 10, 2, 3, 5, 2],
  ] as const) {
    const x = tf.randomNormal([b, h, w, cin], 0, 1, 'float32', 3);
    const dy = tf.randomNormal(
      [b, Math.ceil(h / stride), Math.ceil(w / stride), cout],
      0,
      1,
      'float32',
      4,
    );
    const grad = async (kernels: boolean): Promise<Float32Array> => {
      setCustomKernels(kernels);
      const g = conv2dFilterGrad(x as never, dy as never, [k, k, cin, cout], stride, 'matmul2d');
      const v = (await g.data()) as Float32Array;
      g.dispose();
      setCustomKernels(true);
      return v;
    };
    let ours: Float32Array = new Float32Array();
    // Profiled, to be sure the gather kernel is what ran.
    const { kernelNames } = await tf.profile(async () => {
      ours = await grad(true);
    });
    const ref = await grad(false);
    const scale = Math.max(1e-3, ...Array.from(ref, Math.abs));
    let maxRelErr = 0;
    ref.forEach(
      (v, i) => (maxRelErr = Math.max(maxRelErr, Math.abs((ours[i] ?? NaN) - v) / scale)),
    );
    convCases.push({
      shape: [b, h, w, cin],
      k,
      stride,
      maxRelErr,
      gathered: kernelNames.includes('DPIm2Col'),
    });
    tf.dispose([x, dy]);
  }
  process.stdout.write(`${JSON.stringify({ backend: tf.getBackend(), cases, convCases })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
