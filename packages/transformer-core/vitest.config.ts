// Node test config. The Dawn `webgpu` package needs a Vulkan loader and driver: chromium ships both (SwiftShader),
// and the loader is found through LD_LIBRARY_PATH, which must be set before the test workers start.
import { defineConfig } from 'vitest/config';
import { existsSync } from 'node:fs';

const chromiumLib = '/usr/lib/chromium';
if (!process.env.VK_ICD_FILENAMES && existsSync(`${chromiumLib}/vk_swiftshader_icd.json`)) {
  process.env.VK_ICD_FILENAMES = `${chromiumLib}/vk_swiftshader_icd.json`;
  if (existsSync(`${chromiumLib}/libvulkan.so.1`)) {
    process.env.LD_LIBRARY_PATH = [chromiumLib, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  }
}

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    exclude: ['src/**/*.browser.test.ts', 'node_modules/**', 'dist/**'],
    testTimeout: 120000,
    hookTimeout: 120000,
  },
});
