import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';

/**
 * SharedArrayBuffer, and with it tfjs' threaded wasm, exists only on cross-origin isolated pages.
 * Everything the page loads is same-origin, so `require-corp` costs nothing, and unlike
 * `credentialless` every browser with threads supports it.
 */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * What the built page may load and run: only its own files. 'wasm-unsafe-eval' lets tfjs compile
 * its WebAssembly; blob: is where tfjs' threaded wasm starts its pthread workers from; styles
 * allow inline because recharts and React set style attributes.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' blob: data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

/**
 * The CSP in the built page (a meta tag, so static hosts get it too) and as a header from
 * `vite preview`, which also covers the worker's scripts. Not in dev: Vite's dev server injects
 * inline scripts of its own.
 */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'content-security-policy',
    apply: 'build',
    transformIndexHtml() {
      return [
        {
          tag: 'meta',
          attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP },
          injectTo: 'head-prepend',
        },
      ];
    },
  };
}

const THREADED_GLUE = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';

/** Exact edits to the threaded Emscripten glue: [what, text found, text put in its place]. */
const GLUE_PATCHES: readonly (readonly [string, string, string])[] = [
  /*
   * tfjs hands its pthread workers the source of the Emscripten factory (`factory.toString()` in
   * a Blob they importScripts), so that function must not use any variable from around it. It
   * reads `_scriptDir` from its enclosing IIFE behind a `typeof` guard; a minifier, knowing the
   * variable is declared, drops the guard, and every pthread worker dies on "ReferenceError: e is
   * not defined" while the backend waits for them forever. A copy of the variable inside the
   * factory keeps it self-contained (the same value on a page; undefined in any worker, as before).
   */
  [
    'a self-contained factory',
    'function(WasmBackendModuleThreadedSimd) {',
    "function(WasmBackendModuleThreadedSimd) { var _scriptDir = typeof document !== 'undefined' && document.currentScript ? document.currentScript.src : undefined;",
  ],
  /*
   * tfjs' C++ caps XNNPACK's pool at half of navigator.hardwareConcurrency (two hyperthreads a
   * core, it assumes), whatever setThreadsCount asks: one thread on a 2-core machine. The app
   * picks the count itself, so the glue reports twice the logical cores and the cap becomes them.
   */
  [
    'an uncapped thread count',
    'return navigator["hardwareConcurrency"]}',
    'return navigator["hardwareConcurrency"]*2}',
  ],
];

/** Applied to the app's build and to the dependency pre-bundling of `vite` (dev). */
function tfjsWasmThreads() {
  return {
    name: 'tfjs-wasm-threads',
    transform(code: string, id: string) {
      if (!id.replaceAll('\\', '/').endsWith(THREADED_GLUE)) return null;
      let out = code;
      for (const [what, from, to] of GLUE_PATCHES) {
        if (out.split(from).length !== 2)
          throw new Error(`${THREADED_GLUE}: cannot make ${what}, "${from}" is not there once`);
        out = out.replace(from, to);
      }
      return out;
    },
  } satisfies Plugin;
}

const COI_SW = 'coi-serviceworker.js';

/**
 * Static hosts send no COOP/COEP headers; coi-serviceworker's service worker adds them to every
 * response and reloads the page once. Served at the site's root (a service worker's scope is its
 * own directory) and loaded by the app's page only; it does nothing on a page that is already
 * isolated, such as `vite` and `vite preview` serve.
 */
function coiServiceWorker(): Plugin {
  const source = () =>
    readFileSync(
      createRequire(import.meta.url).resolve('coi-serviceworker/coi-serviceworker.min.js'),
    );
  let appHtml = '';
  let base = '/';
  return {
    name: 'coi-serviceworker',
    configResolved(config) {
      appHtml = resolve(config.root, 'index.html');
      base = config.base;
    },
    configureServer(server) {
      server.middlewares.use(`${base}${COI_SW}`, (_req, res) => {
        res.setHeader('Content-Type', 'text/javascript');
        res.end(source());
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: COI_SW, source: source() });
    },
    transformIndexHtml(_html, ctx) {
      if (resolve(ctx.filename) !== appHtml) return [];
      return [{ tag: 'script', attrs: { src: `${base}${COI_SW}` }, injectTo: 'head' }];
    },
  };
}

export default defineConfig({
  plugins: [react(), tfjsWasmThreads(), coiServiceWorker(), contentSecurityPolicy()],
  // Module workers with code-splitting: tfjs is imported lazily inside the worker so the first
  // forward frame never waits for it.
  worker: { format: 'es', plugins: () => [tfjsWasmThreads()] },
  optimizeDeps: { rolldownOptions: { plugins: [tfjsWasmThreads()] } },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  server: { port: 5173, headers: ISOLATION_HEADERS },
  preview: {
    port: 4173,
    headers: { ...ISOLATION_HEADERS, 'Content-Security-Policy': CSP },
  },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'cli/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
