import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { CheckpointError, type Checkpoint } from './checkpoint';
import { decodeModelFile } from './model-file';
import { decodeSafetensors } from './safetensors';
import { decodeTorchExport, encodeTorchExport, torchKey } from './torch-export';
import type { ModelMeta } from './train/snapshot';
import { PRESETS } from './unet/config';
import { paramShapes } from './unet/layout';

const config = PRESETS.micro;

/** Every parameter in groups params/ema/adam.m with distinct values (index-coded). */
function checkpoint(): Checkpoint<ModelMeta<unknown>> {
  const tensors = new Map<string, { shape: readonly number[]; values: Float32Array }>();
  let k = 0;
  for (const group of ['params', 'ema', 'adam.m', 'adam.v'])
    for (const [name, shape] of paramShapes(config)) {
      const n = shape.reduce((a, b) => a * b, 1);
      tensors.set(`${group}/${name}`, {
        shape,
        values: Float32Array.from({ length: n }, () => k++),
      });
    }
  const meta: ModelMeta<unknown> = {
    kind: 'diffusion-playground-model',
    settings: { preset: 'micro' },
    step: 5,
    emaUpdates: 5,
    history: { steps: [1], losses: [0.5] },
    backend: 'cpu',
    savedAt: '2026-12-02T00:00:00Z',
  };
  return { config: meta, tensors };
}

describe('export for PyTorch', () => {
  it('names parameters as the PyTorch UNet does', () => {
    expect(torchKey('temb.fc1.w', 3)).toBe('fc1.weight');
    expect(torchKey('label.table', 3)).toBe('table');
    expect(torchKey('convIn.b', 3)).toBe('conv_in.bias');
    expect(torchKey('down1.res0.norm1.gamma', 3)).toBe('down.1.res.0.norm1.weight');
    expect(torchKey('down0.downsample.w', 3)).toBe('down.0.resample.weight');
    expect(torchKey('mid.attn.qkv.w', 3)).toBe('attn.qkv.weight');
    expect(torchKey('mid.res1.skip.b', 3)).toBe('mid1.skip.bias');
    expect(torchKey('up2.res1.conv2.w', 3)).toBe('up.0.res.1.conv2.weight');
    expect(torchKey('up1.upsample.w', 3)).toBe('up.1.resample.weight');
    expect(torchKey('out.norm.beta', 3)).toBe('out_norm.bias');
    const keys = [...paramShapes(config).keys()].map((n) => torchKey(n, 3));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('writes a zip of config.json and PyTorch-layout safetensors, and reads it back exactly', () => {
    const ckpt = checkpoint();
    const zip = encodeTorchExport(ckpt, config);
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(['config.json', 'model.safetensors']);
    const cfg = JSON.parse(new TextDecoder().decode(files['config.json'])) as {
      format: string;
      unet: unknown;
      model: unknown;
    };
    expect(cfg.format).toBe('diffusion-playground-torch');
    expect(cfg.unet).toEqual(config);
    expect(cfg.model).toEqual(ckpt.config);
    const st = decodeSafetensors(files['model.safetensors']!);
    // conv [kh, kw, cin, cout] → [cout, cin, kh, kw]; linear [cin, cout] → [cout, cin].
    expect(st.tensors.get('model.conv_in.weight')?.shape).toEqual([8, 1, 3, 3]);
    expect(st.tensors.get('ema.fc1.weight')?.shape).toEqual([32, 8]);
    expect(st.tensors.get('adam.exp_avg.table')?.shape).toEqual([11, 32]);
    // Element [kh=1, kw=2, cin=0, cout=5] of convIn lands at [5, 0, 1, 2].
    const ours = ckpt.tensors.get('params/convIn.w')!.values;
    const theirs = st.tensors.get('model.conv_in.weight')!.values;
    expect(theirs[((5 * 1 + 0) * 3 + 1) * 3 + 2]).toBe(ours[((1 * 3 + 2) * 1 + 0) * 8 + 5]);

    for (const back of [decodeTorchExport(zip), decodeModelFile(files['model.safetensors']!)]) {
      expect(back.config).toEqual(ckpt.config);
      expect([...back.tensors.keys()].sort()).toEqual([...ckpt.tensors.keys()].sort());
      for (const [key, t] of ckpt.tensors) {
        expect(back.tensors.get(key)?.shape).toEqual(t.shape);
        expect(back.tensors.get(key)?.values).toEqual(t.values);
      }
    }
  });

  it('refuses files that are not models, in words', () => {
    expect(() => decodeModelFile(new TextEncoder().encode('hello world'), 'notes.txt')).toThrow(
      /notes\.txt is not a Diffusion Playground model file/,
    );
    expect(() => decodeModelFile(zipSync({ 'a.txt': strToU8('x') }), 'photos.zip')).toThrow(
      /photos\.zip is a zip without model\.safetensors/,
    );
    const cut = encodeTorchExport(checkpoint(), config).subarray(0, 100);
    expect(() => decodeModelFile(cut, 'cut.zip')).toThrow(CheckpointError);
  });
});
