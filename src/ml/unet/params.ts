/**
 * Named UNet parameters and their seeded initialisation.
 */
import * as tf from '@tensorflow/tfjs-core';
import { gaussian } from '../random';
import type { UNetConfig } from './config';
import { paramShapes } from './layout';

/**
 * Descriptive name ('down0.res0.conv1.w') → variable. The names live only in the map keys: tfjs
 * variable names are global to the engine, so reusing them would forbid two models at once
 * (a trainer and a checkpoint being loaded, or params beside their EMA copy).
 */
export type UNetParams = Map<string, tf.Variable>;
/** What the forward pass reads: trainable variables, EMA copies, or plain tensors. */
export type ParamsLike = ReadonlyMap<string, tf.Tensor>;

export interface InitOptions {
  /**
   * Zero the last conv of each residual branch, the attention output and the output conv, as in
   * DDPM: every block starts as the identity, so depth does not blow up the initial activations.
   * Default true. Tests turn it off so that every gradient is non-trivial from step 0.
   */
  readonly zeroInitResiduals?: boolean;
}

/** FNV-1a: a parameter's stream depends on its name only, so adding a layer leaves others alone. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function isZeroInit(name: string): boolean {
  return /\.conv2\.w$/.test(name) || /\.attn\.out\.w$/.test(name) || name === 'out.conv.w';
}

/** Fan-in of a [k, k, cin, cout] filter or a [cin, cout] matrix. */
function fanIn(shape: readonly number[]): number {
  return shape.slice(0, -1).reduce((p, d) => p * d, 1);
}

function initialValues(
  name: string,
  shape: readonly number[],
  seed: number,
  zeroInit: boolean,
): Float32Array {
  const size = shape.reduce((p, d) => p * d, 1);
  if (name.endsWith('.gamma')) return new Float32Array(size).fill(1);
  if (name.endsWith('.beta') || name.endsWith('.b')) return new Float32Array(size);
  if (zeroInit && isZeroInit(name)) return new Float32Array(size);
  const values = gaussian((seed ^ hashName(name)) >>> 0, size);
  // The label table is read like nn.Embedding (N(0, 1)); weights get LeCun-normal N(0, 1/fan_in),
  // which with GroupNorm in front of every conv keeps activations O(1).
  const std = name === 'label.table' ? 1 : 1 / Math.sqrt(fanIn(shape));
  if (std !== 1) for (let i = 0; i < size; i++) values[i] = (values[i] ?? 0) * std;
  return values;
}

export function initParams(config: UNetConfig, seed: number, opts: InitOptions = {}): UNetParams {
  const zeroInit = opts.zeroInitResiduals ?? true;
  const params: UNetParams = new Map();
  for (const [name, shape] of paramShapes(config)) {
    const initial = tf.tensor(initialValues(name, shape, seed, zeroInit), [...shape], 'float32');
    params.set(name, tf.variable(initial, true));
    // The variable holds its own reference to the data.
    initial.dispose();
  }
  return params;
}

/** Values as plain arrays keyed by name (checkpoints, tests); one read per parameter. */
export async function readParams(params: ParamsLike): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [name, tensor] of params) out.set(name, (await tensor.data()) as Float32Array);
  return out;
}

/**
 * Assigns checkpoint values, checking the name set and every size against `paramShapes` first so
 * a mismatched checkpoint leaves the model untouched.
 */
export function loadParams(
  params: UNetParams,
  config: UNetConfig,
  values: ReadonlyMap<string, Float32Array>,
): void {
  const shapes = paramShapes(config);
  for (const [name, shape] of shapes) {
    const v = values.get(name);
    const size = shape.reduce((p, d) => p * d, 1);
    if (!v) throw new Error(`checkpoint lacks ${name}`);
    if (v.length !== size) throw new Error(`${name}: ${v.length} values for shape [${shape}]`);
    if (!params.has(name)) throw new Error(`params lack ${name}`);
  }
  for (const name of values.keys()) {
    if (!shapes.has(name)) throw new Error(`checkpoint has unknown parameter ${name}`);
  }
  for (const [name, shape] of shapes) {
    const v = values.get(name);
    const p = params.get(name);
    if (v && p) tf.tidy(() => p.assign(tf.tensor(v, [...shape], 'float32')));
  }
}

export function disposeParams(params: UNetParams): void {
  for (const v of params.values()) v.dispose();
  params.clear();
}
