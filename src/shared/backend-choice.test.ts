import { describe, expect, it } from 'vitest';
import {
  decideBackend,
  describeDecision,
  isSoftwareRenderer,
  parseDecision,
  rememberedFor,
  type BackendProbe,
} from './backend-choice';

const probe = (p: Partial<BackendProbe> & Pick<BackendProbe, 'backend'>): BackendProbe => ({
  trainMs: null,
  sampleMs: null,
  software: false,
  device: null,
  note: null,
  ...p,
});

// A CPU-only VM: Chromium's WebGPU and WebGL both run on SwiftShader.
const softwareVm = [
  probe({ backend: 'wasm', trainMs: 210, sampleMs: 95 }),
  probe({
    backend: 'webgpu',
    software: true,
    device: 'google swiftshader',
    note: 'a sampling step took over 3 s',
  }),
  probe({
    backend: 'webgl',
    software: true,
    device: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)',
    trainMs: 4200,
    sampleMs: 900,
  }),
];

describe('backend choice by measured speed', () => {
  it('recognises software renderers from adapter and WebGL renderer strings', () => {
    for (const s of [
      'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      'google swiftshader',
      'llvmpipe (LLVM 15.0.6, 256 bits)',
      'Mesa softpipe',
      'Microsoft Basic Render Driver',
      'lavapipe',
    ])
      expect(isSoftwareRenderer(s), s).toBe(true);
    for (const s of [
      'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)',
      'nvidia ampere',
      'Apple M2',
      'AMD Radeon Pro 5500M',
      '',
      null,
    ])
      expect(isSoftwareRenderer(s), String(s)).toBe(false);
  });

  it('trains on the fastest trainer, not the first that starts', () => {
    const d = decideBackend(softwareVm, ['webgpu', 'webgl', 'wasm'], 'fp');
    expect(d.backend).toBe('wasm');
    expect(d.fastestSampler).toBe('wasm');
    expect(describeDecision(d)).toBe(
      'WebGPU here is a software renderer (SwiftShader): a sampling step took over 3 s; ' +
        'WebGL here is a software renderer (SwiftShader): 4.2 s/step — training on WebAssembly, 0.21 s/step',
    );
  });

  it('a real GPU wins when it is faster, and says where sampling alone would be faster', () => {
    const d = decideBackend(
      [
        probe({ backend: 'wasm', trainMs: 210, sampleMs: 40 }),
        probe({ backend: 'webgpu', trainMs: 60, sampleMs: 55, device: 'nvidia ampere' }),
      ],
      ['webgpu', 'wasm'],
      'fp',
    );
    expect(d.backend).toBe('webgpu');
    expect(d.fastestSampler).toBe('wasm');
    expect(describeDecision(d)).toBe(
      'WebAssembly: 0.21 s/step — training on WebGPU, 0.06 s/step (sampling alone would be faster on WebAssembly)',
    );
  });

  it('without any training figure, the first backend that started', () => {
    const d = decideBackend(
      [probe({ backend: 'webgl', note: 'the probe failed: out of memory' })],
      ['webgl', 'cpu'],
      'fp',
    );
    expect(d.backend).toBe('webgl');
    expect(() => decideBackend([], [], 'fp')).toThrow('no backend started');
  });

  it('a remembered decision holds only for the same browser and GPU, and a backend that started', () => {
    const d = decideBackend(softwareVm, ['webgpu', 'webgl', 'wasm'], 'chrome 140|swiftshader');
    expect(rememberedFor(d, 'chrome 140|swiftshader', ['webgpu', 'wasm'])).toBe(d);
    expect(rememberedFor(d, 'chrome 141|swiftshader', ['webgpu', 'wasm'])).toBeNull();
    expect(rememberedFor(d, 'chrome 140|swiftshader', ['webgpu', 'webgl'])).toBeNull();
    expect(rememberedFor(null, 'x', ['wasm'])).toBeNull();
  });

  it('reads back only well-formed decisions from storage', () => {
    const d = decideBackend(softwareVm, ['wasm'], 'fp');
    expect(parseDecision(JSON.parse(JSON.stringify(d)))).toEqual(d);
    expect(parseDecision(null)).toBeNull();
    expect(parseDecision({ ...d, backend: 'tpu' })).toBeNull();
    expect(parseDecision({ ...d, probes: [{ backend: 'wasm' }] })).toBeNull();
    expect(parseDecision({ ...d, fingerprint: 3 })).toBeNull();
  });
});
