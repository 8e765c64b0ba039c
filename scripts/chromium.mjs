// Debian's Chromium as the tests and the browser benches launch it (Playwright's own browser
// download is not reachable from these machines). WebGPU runs headless on SwiftShader with
// --enable-unsafe-webgpu (docs/ARCHITECTURE.md, "Measured on these machines").
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--use-angle=swiftshader',
];

export const WEBGPU_ARGS = [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'];
