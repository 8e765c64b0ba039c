import { defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

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

/**
 * The web app manifest and the one service worker (src/sw/sw.ts, Workbox): it precaches the whole
 * build — app, worker chunks, the wasm binaries, the digits, the default model and the classifier
 * — so the app works offline after one visit, and adds COOP/COEP on static hosts (threaded wasm).
 * Not in dev: `vite` serves modules the build would bundle, and a dev page kept by a service
 * worker would hide edits.
 */
function progressiveWebApp() {
  return VitePWA({
    strategies: 'injectManifest',
    srcDir: 'src/sw',
    filename: 'sw.ts',
    registerType: 'prompt',
    // src/client/pwa.ts registers it (after the page has loaded, guarded for browsers without).
    injectRegister: false,
    injectManifest: {
      globPatterns: ['**/*.{js,css,html,wasm,bin,dpmodel,json,png,webmanifest}'],
      // The largest files are the default model (1.7 MB) and the digits (1.6 MB).
      maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
    },
    manifest: {
      name: 'Diffusion Playground',
      short_name: 'Diffusion',
      description:
        'Watch diffusion models add and remove noise, train one and sample it, in your browser.',
      start_url: '.',
      scope: '.',
      display: 'standalone',
      background_color: '#111827',
      theme_color: '#111827',
      icons: [
        { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
        {
          src: 'icons/icon-maskable-512.png',
          sizes: '512x512',
          type: 'image/png',
          purpose: 'maskable',
        },
      ],
    },
  });
}

export default defineConfig({
  plugins: [react(), tfjsWasmThreads(), progressiveWebApp(), contentSecurityPolicy()],
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
