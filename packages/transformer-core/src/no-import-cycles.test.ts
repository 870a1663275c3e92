// The house rule "no import cycles" for this package: the root scripts/check-cycles.mjs (dpdm's import graph,
// `import type` and dynamic imports included) finds none among the files of src/, and does find a planted one.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCycles, formatCycles } from '../../../scripts/check-cycles.mjs';

describe('imports', () => {
  it('src/ has no import cycle', async () => {
    const cycles = await findCycles('packages/transformer-core');
    expect(formatCycles(cycles)).toBe('');
  });

  it('the checker reports a type-only cycle and a dynamic-import cycle', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glyphlm-cycles-'));
    try {
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
      writeFileSync(join(dir, 'src/a.ts'), "import type { B } from './b.js';\nexport interface A { b?: B }\n");
      writeFileSync(join(dir, 'src/b.ts'), "import type { A } from './a.js';\nexport interface B { a?: A }\nexport const load = () => import('./c.js');\n");
      writeFileSync(join(dir, 'src/c.ts'), "import { load } from './b.js';\nexport const again = load;\n");
      writeFileSync(join(dir, 'src/leaf.ts'), "import type { A } from './a.js';\nexport type L = A;\n");
      const cycles = (await findCycles(dir)).map((c) => c.map((f) => f.slice(f.lastIndexOf('/') + 1)).sort().join(' '));
      expect(cycles.sort()).toEqual(['a.ts b.ts', 'b.ts c.ts']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
