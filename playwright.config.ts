import { defineConfig } from '@playwright/test';
import type { BackendOption } from './e2e/fixtures';
import { CHROMIUM_ARGS, CHROMIUM_PATH, WEBGPU_ARGS } from './scripts/chromium.mjs';

// PW_PORT and PW_DIST let a second run (another checkout's CI, a parallel helper) use its own
// preview server over its own build (`npx vite build --outDir $PW_DIST`).
const PORT = Number(process.env['PW_PORT'] ?? 4173);
const DIST = process.env['PW_DIST'] ?? 'dist';

export default defineConfig<BackendOption>({
  testDir: 'e2e',
  timeout: 90_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    viewport: { width: 1280, height: 1000 },
    acceptDownloads: true,
    launchOptions: { executablePath: CHROMIUM_PATH, args: WEBGPU_ARGS },
    trace: 'off',
    screenshot: 'only-on-failure',
    // The app's service worker (src/sw/sw.ts) precaches the whole build and answers the page's
    // requests, which Playwright's route-based faults would no longer see. Each test has a fresh
    // context (no worker or cache survives it), and the specs about the worker allow it.
    serviceWorkers: 'block',
  },
  projects: [
    { name: 'webgpu', use: { backend: 'webgpu' }, testIgnore: /no-webgpu/ },
    // The key flows once more on fallback backends, forced with ?backend=.
    { name: 'webgl', use: { backend: 'webgl' }, grep: /@key/, testIgnore: /no-webgpu/ },
    { name: 'wasm', use: { backend: 'wasm' }, grep: /@key/, testIgnore: /no-webgpu/ },
    // A browser without the WebGPU flag: the app falls back and says why.
    {
      name: 'no-webgpu',
      testMatch: /no-webgpu/,
      use: {
        backend: 'webgl',
        launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
      },
    },
  ],
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort --outDir ${DIST}`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: !process.env['CI'],
    timeout: 60_000,
  },
});
