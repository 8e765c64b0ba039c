/**
 * tfjs backends for Node entry points (bench, CLI, the accelerator-machine recipe).
 *
 * WebGPU comes from Dawn: the npm package `webgpu`, or the `dawn.node` file named by
 * process.env.DAWN_NODE (what /work/shared/tools/gpu/inside.sh sets; it is the only way inside an
 * esbuild bundle). On the CPU-only machines Dawn finds a Vulkan device only through the SwiftShader
 * that ships with Chromium, which needs VK_ICD_FILENAMES and LD_LIBRARY_PATH (docs/ARCHITECTURE.md, "Measured on these machines").
 * LD_LIBRARY_PATH is read by the dynamic loader when the process starts, so setting it in
 * process.env is too late for Dawn's dlopen("libvulkan.so.1") — measured: the adapter is null.
 * `reexecWithDawnEnv()` therefore restarts the current process with both variables set.
 *
 * Everything tfjs is imported dynamically: the webgpu backend registers itself only if
 * navigator.gpu exists when its module is evaluated, and the CLI should not pay for backends it
 * does not use. All specifiers are static strings, so esbuild can inline them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type * as TfCore from '@tensorflow/tfjs-core';

export type Tf = typeof TfCore;
export type NodeBackendName = 'webgpu' | 'wasm' | 'cpu';
export const NODE_BACKENDS: readonly NodeBackendName[] = ['webgpu', 'wasm', 'cpu'];

export interface NodeBackend {
  readonly tf: Tf;
  readonly backend: NodeBackendName;
  /** WebGPU only: vendor / architecture / device / description of the adapter Dawn picked. */
  readonly adapterInfo?: string;
}

export interface NodeBackendOptions {
  /** Directory holding tfjs-backend-wasm's .wasm files (needed once bundled); else TFJS_WASM_DIR. */
  readonly wasmDir?: string;
  /**
   * Flags handed to Dawn's `create()`, e.g. ['enable-dawn-features=disable_robustness']; else
   * DAWN_FLAGS, split on spaces or ';' (a flag's value may itself hold commas).
   */
  readonly dawnFlags?: readonly string[];
}

/** A backend that cannot start here; `message` is the reason, fit to print after "name: ". */
export class BackendUnavailableError extends Error {
  readonly backend: NodeBackendName;
  constructor(backend: NodeBackendName, reason: string) {
    super(reason);
    this.name = 'BackendUnavailableError';
    this.backend = backend;
  }
}

/** Where Debian's chromium package puts SwiftShader's Vulkan ICD and its libvulkan.so.1. */
export const CHROMIUM_LIB_DIR = '/usr/lib/chromium';
const SWIFTSHADER_ICD = join(CHROMIUM_LIB_DIR, 'vk_swiftshader_icd.json');
const REEXEC_MARK = 'DIFFUSION_PLAYGROUND_DAWN_REEXEC';

/**
 * The variables to add so that Dawn finds SwiftShader, or null when nothing needs adding: the
 * caller already set VK_ICD_FILENAMES (e.g. a real GPU's ICD), or there is no Chromium
 * SwiftShader on this machine (the accelerator machine, whose libvulkan comes from a .deb).
 */
export function dawnVulkanEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> | null {
  if (env.VK_ICD_FILENAMES !== undefined || !existsSync(SWIFTSHADER_ICD)) return null;
  const ld = env.LD_LIBRARY_PATH;
  return {
    VK_ICD_FILENAMES: SWIFTSHADER_ICD,
    LD_LIBRARY_PATH: ld ? `${CHROMIUM_LIB_DIR}:${ld}` : CHROMIUM_LIB_DIR,
  };
}

/**
 * If Dawn needs the SwiftShader variables and they are not set, runs this same process again
 * (same node, same flags — tsx's loader included — same arguments) with them set, waits for it,
 * and exits with its status. Returns only when no restart was needed. Call it first thing in an
 * entry point that will use webgpu, before any other work.
 */
export function reexecWithDawnEnv(): void {
  const extra = dawnVulkanEnv();
  if (!extra || process.env[REEXEC_MARK] === '1') return;
  const script = process.argv[1];
  if (script === undefined) return;
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, script, ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      env: { ...process.env, ...extra, [REEXEC_MARK]: '1' },
    },
  );
  if (child.error) throw child.error;
  process.exit(child.status ?? (child.signal ? 1 : 0));
}

interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

async function loadDawn(): Promise<DawnModule> {
  const path = process.env.DAWN_NODE;
  if (path) {
    // A native addon must be require()d; anchor on the cwd so this needs no import.meta (absent in
    // a CommonJS bundle), and make the path absolute so it is never taken for a package name.
    const req = createRequire(join(process.cwd(), 'noop.js'));
    return req(resolve(path)) as DawnModule;
  }
  // Not a literal specifier, so a bundler leaves it alone: inside a bundle Dawn comes from
  // DAWN_NODE, and the package's own loader (import.meta.url) would not survive bundling anyway.
  const pkg = 'webgpu';
  return (await import(pkg)) as DawnModule;
}

function describeAdapter(adapter: GPUAdapter): string {
  const info = adapter.info;
  const parts = [info.vendor, info.architecture, info.device, info.description].filter(
    (s) => s !== '',
  );
  return parts.length > 0 ? parts.join(' | ') : 'unknown adapter';
}

function envFlags(): string[] {
  const raw = process.env.DAWN_FLAGS;
  return raw ? raw.split(/[;\s]+/).filter((s) => s !== '') : [];
}

/** Installs Dawn as navigator.gpu and returns a description of its adapter. */
async function installDawn(opts: NodeBackendOptions): Promise<string> {
  let dawn: DawnModule;
  try {
    dawn = await loadDawn();
  } catch (error) {
    const what = process.env.DAWN_NODE ? `DAWN_NODE=${process.env.DAWN_NODE}` : "npm 'webgpu'";
    const why = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    throw new BackendUnavailableError('webgpu', `cannot load Dawn (${what}): ${why}`);
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([...(opts.dawnFlags ?? envFlags())]);
  // Node ≥ 21 has its own navigator (a replaceable accessor); defineProperty works for both.
  const nav = (globalThis as { navigator?: object }).navigator ?? {};
  Object.defineProperty(globalThis, 'navigator', {
    value: Object.assign(Object.create(nav) as object, { gpu }),
    configurable: true,
    writable: true,
  });
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    const hint = dawnVulkanEnv()
      ? `; Dawn needs VK_ICD_FILENAMES=${SWIFTSHADER_ICD} LD_LIBRARY_PATH=${CHROMIUM_LIB_DIR} set ` +
        'before the process starts (see reexecWithDawnEnv)'
      : '';
    throw new BackendUnavailableError('webgpu', `Dawn found no adapter${hint}`);
  }
  return describeAdapter(adapter);
}

async function register(
  tf: Tf,
  name: NodeBackendName,
  opts: NodeBackendOptions,
): Promise<string | undefined> {
  switch (name) {
    case 'webgpu': {
      const adapterInfo = await installDawn(opts);
      await import('@tensorflow/tfjs-backend-webgpu');
      return adapterInfo;
    }
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // The threaded build needs workers + SharedArrayBuffer and breaks once bundled (docs/ARCHITECTURE.md, "Measured on these machines").
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      const dir = opts.wasmDir ?? process.env.TFJS_WASM_DIR;
      if (dir) wasm.setWasmPaths(dir.endsWith('/') ? dir : `${dir}/`);
      return undefined;
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return undefined;
    default: {
      const never: never = name;
      throw new Error(`unknown backend ${String(never)}`);
    }
  }
}

let gradientsRegistered: Promise<void> | undefined;

/**
 * `@tensorflow/tfjs-core/dist/register_all_gradients` is ES-module code with extensionless
 * relative imports: bundlers (esbuild, Vite) take it as is, but Node's ESM loader (tsx included)
 * rejects it with ERR_UNSUPPORTED_DIR_IMPORT. Through require() (tsx compiles it to CommonJS)
 * it loads. It is a second copy of those tfjs-core files, which is harmless: the gradient
 * registry and the engine live on a global namespace that both copies share.
 */
function registerAllGradients(): Promise<void> {
  gradientsRegistered ??= (async () => {
    try {
      await import('@tensorflow/tfjs-core/dist/register_all_gradients');
    } catch {
      // Not bundled: fall back to require(), resolved from the entry script (or the cwd). A failed
      // import fails while linking, before any of its code has run.
      const anchor = process.argv[1] ?? join(process.cwd(), 'noop.js');
      createRequire(anchor)('@tensorflow/tfjs-core/dist/register_all_gradients');
    }
  })();
  return gradientsRegistered;
}

/**
 * Imports tfjs-core, registers every gradient and the named backend, and makes it current.
 * Throws BackendUnavailableError (with the reason) when the backend cannot start here; tfjs'
 * setBackend() only returns false in that case, so the result is checked with getBackend().
 */
export async function setupNodeBackend(
  name: NodeBackendName,
  opts: NodeBackendOptions = {},
): Promise<NodeBackend> {
  const tf = await import('@tensorflow/tfjs-core');
  await registerAllGradients();
  let adapterInfo: string | undefined;
  try {
    adapterInfo = await register(tf, name, opts);
  } catch (error) {
    if (error instanceof BackendUnavailableError) throw error;
    throw new BackendUnavailableError(name, `cannot register: ${String(error)}`);
  }
  if (!tf.findBackendFactory(name)) {
    throw new BackendUnavailableError(name, 'not registered (its module did not register it)');
  }
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (error) {
    throw new BackendUnavailableError(name, `initialisation threw: ${String(error)}`);
  }
  if (!ok || tf.getBackend() !== name) {
    throw new BackendUnavailableError(
      name,
      `initialisation failed (setBackend → ${ok}, getBackend() = ${tf.getBackend()})`,
    );
  }
  if (name === 'cpu') {
    // tfjs-backend-cpu prints a "Hi, looks like you are running TensorFlow.js in Node.js…" banner
    // on its first write; we chose the cpu backend on purpose, so mark it as already shown.
    const cpu = tf.backend() as { firstUse?: boolean };
    if ('firstUse' in cpu) cpu.firstUse = false;
  }
  return adapterInfo === undefined ? { tf, backend: name } : { tf, backend: name, adapterInfo };
}
