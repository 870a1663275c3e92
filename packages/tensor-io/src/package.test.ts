// Package invariants: library sources use no Node built-ins or Node globals (browser-safe), and the built dist/
// loads in plain Node ESM with the documented exports.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname);
const DIST = resolve(import.meta.dirname, '../dist/index.js');

describe('package', () => {
  it('library sources import nothing from Node and use no Node globals', () => {
    const files = readdirSync(SRC).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const text = readFileSync(join(SRC, f), 'utf8');
      expect(text, f).not.toMatch(/from\s+['"](node:|fs|path|os|buffer|stream|crypto)['"]/);
      expect(text, f).not.toMatch(/\b(require\(|process\.|Buffer\.|__dirname)/);
      expect(text.split('\n')[0], `${f}: header comment`).toMatch(/^\/\/ /);
    }
  });

  it.skipIf(!existsSync(DIST))('dist/ loads in plain Node with the documented exports', () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e',
      `import * as m from ${JSON.stringify(DIST)}; console.log(Object.keys(m).sort().join(','))`], { encoding: 'utf8' });
    expect(out.trim().split(',')).toEqual(expect.arrayContaining([
      'TensorIOError', 'readSafetensors', 'writeSafetensors', 'readSafetensorsHeader', 'safetensorsHeaderSize',
      'readSafetensorsStream', 'toNpy', 'readNpy', 'float32ToFloat16', 'float16ToFloat32', 'float32ToBFloat16', 'bfloat16ToFloat32',
    ]));
  });
});
