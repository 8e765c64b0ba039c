/**
 * Whether the Dawn-backed checks (WebGPU in Node) can run: Dawn finds an adapter here through
 * the SwiftShader Vulkan driver that Debian's chromium package ships. Without it they skip and
 * say why, except in CI, which installs chromium before any test: there its absence fails.
 */
import { existsSync } from 'node:fs';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export function dawnAvailable(): boolean {
  if (existsSync(SWIFTSHADER_ICD)) return true;
  const why = `the WebGPU-through-Dawn checks need ${SWIFTSHADER_ICD} (apt-get install chromium)`;
  if (process.env['CI']) throw new Error(`${why}; CI installs it first, so this is a broken setup`);
  console.warn(`Skipped: ${why}.`);
  return false;
}
