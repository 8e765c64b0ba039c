/**
 * The UNet's structure as plain data. Both the parameter shapes and the forward pass walk this
 * one description, so a name or channel count cannot drift between them.
 */
import { NULL_LABEL, type UNetConfig, validateConfig } from './config';

export interface ResSpec {
  readonly name: string;
  readonly cin: number;
  readonly cout: number;
}

export interface LevelSpec {
  readonly level: number;
  readonly res: readonly ResSpec[];
  /** Conv after the blocks: stride-2 down, or nearest ×2 then conv up; absent at the ends. */
  readonly resample?: { readonly name: string; readonly channels: number };
}

export interface Layout {
  readonly down: readonly LevelSpec[];
  readonly mid: { readonly res0: ResSpec; readonly attn?: string; readonly res1: ResSpec };
  readonly up: readonly LevelSpec[];
}

function levelChannels(config: UNetConfig, level: number): number {
  const c = config.channels[level];
  if (c === undefined) throw new RangeError(`no channel count for level ${level}`);
  return c;
}

export function unetLayout(config: UNetConfig): Layout {
  validateConfig(config);
  const levels = config.channels.length;
  const last = levels - 1;
  let ch = levelChannels(config, 0);
  // Channel counts of every tensor the down path hands across the U, in push order.
  const skips: number[] = [ch];
  const down: LevelSpec[] = [];
  for (let level = 0; level < levels; level++) {
    const cout = levelChannels(config, level);
    const res: ResSpec[] = [];
    for (let j = 0; j < config.blocksPerLevel; j++) {
      res.push({ name: `down${level}.res${j}`, cin: ch, cout });
      ch = cout;
      skips.push(ch);
    }
    if (level < last) {
      down.push({ level, res, resample: { name: `down${level}.downsample`, channels: ch } });
      skips.push(ch);
    } else {
      down.push({ level, res });
    }
  }
  const mid = {
    res0: { name: 'mid.res0', cin: ch, cout: ch },
    ...(config.attention ? { attn: 'mid.attn' } : {}),
    res1: { name: 'mid.res1', cin: ch, cout: ch },
  };
  const up: LevelSpec[] = [];
  for (let level = last; level >= 0; level--) {
    const cout = levelChannels(config, level);
    const res: ResSpec[] = [];
    // One more block than on the way down, so every skip (including the downsample's) is used.
    for (let j = 0; j <= config.blocksPerLevel; j++) {
      const skip = skips.pop();
      if (skip === undefined) throw new Error('unetLayout: skip stack underflow');
      res.push({ name: `up${level}.res${j}`, cin: ch + skip, cout });
      ch = cout;
    }
    if (level > 0) {
      up.push({ level, res, resample: { name: `up${level}.upsample`, channels: ch } });
    } else {
      up.push({ level, res });
    }
  }
  if (skips.length !== 0) throw new Error('unetLayout: unused skips');
  return { down, mid, up };
}

type Shapes = Map<string, readonly number[]>;

function addNorm(shapes: Shapes, name: string, c: number): void {
  shapes.set(`${name}.gamma`, [c]);
  shapes.set(`${name}.beta`, [c]);
}

function addConv(shapes: Shapes, name: string, k: number, cin: number, cout: number): void {
  shapes.set(`${name}.w`, [k, k, cin, cout]);
  shapes.set(`${name}.b`, [cout]);
}

function addDense(shapes: Shapes, name: string, cin: number, cout: number): void {
  shapes.set(`${name}.w`, [cin, cout]);
  shapes.set(`${name}.b`, [cout]);
}

function addRes(shapes: Shapes, spec: ResSpec, embDim: number): void {
  addNorm(shapes, `${spec.name}.norm1`, spec.cin);
  addConv(shapes, `${spec.name}.conv1`, 3, spec.cin, spec.cout);
  addDense(shapes, `${spec.name}.emb`, embDim, spec.cout);
  addNorm(shapes, `${spec.name}.norm2`, spec.cout);
  addConv(shapes, `${spec.name}.conv2`, 3, spec.cout, spec.cout);
  if (spec.cin !== spec.cout) addConv(shapes, `${spec.name}.skip`, 1, spec.cin, spec.cout);
}

function addLevel(shapes: Shapes, spec: LevelSpec, embDim: number): void {
  for (const res of spec.res) addRes(shapes, res, embDim);
  if (spec.resample) {
    const c = spec.resample.channels;
    addConv(shapes, spec.resample.name, 3, c, c);
  }
}

/** Every parameter's name and shape, in a stable order (checkpoints rely on both). */
export function paramShapes(config: UNetConfig): Map<string, readonly number[]> {
  const layout = unetLayout(config);
  const c0 = levelChannels(config, 0);
  const e = config.timeEmbedDim;
  const shapes: Shapes = new Map();
  addDense(shapes, 'temb.fc1', c0, e);
  addDense(shapes, 'temb.fc2', e, e);
  shapes.set('label.table', [NULL_LABEL + 1, e]);
  addConv(shapes, 'convIn', 3, 1, c0);
  for (const level of layout.down) addLevel(shapes, level, e);
  const { res0, attn, res1 } = layout.mid;
  addRes(shapes, res0, e);
  if (attn !== undefined) {
    addNorm(shapes, `${attn}.norm`, res0.cout);
    addDense(shapes, `${attn}.qkv`, res0.cout, 3 * res0.cout);
    addDense(shapes, `${attn}.out`, res0.cout, res0.cout);
  }
  addRes(shapes, res1, e);
  for (const level of layout.up) addLevel(shapes, level, e);
  addNorm(shapes, 'out.norm', c0);
  addConv(shapes, 'out.conv', 3, c0, 1);
  return shapes;
}

export function countParams(config: UNetConfig): number {
  let total = 0;
  for (const shape of paramShapes(config).values()) total += shape.reduce((p, d) => p * d, 1);
  return total;
}
