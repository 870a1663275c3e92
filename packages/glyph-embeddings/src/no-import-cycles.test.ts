// The house rule "no import cycles" for this package: the root scripts/check-cycles.mjs (dpdm's import graph,
// `import type` and dynamic imports included) finds none among the files of src/ (tests included). The checker's
// own test (a planted type-only and dynamic-import cycle is found) lives in transformer-core's copy of this file.
import { describe, expect, it } from 'vitest';
import { findCycles, formatCycles } from '../../../scripts/check-cycles.mjs';

describe('imports', () => {
  it('src/ has no import cycle', async () => {
    const cycles = await findCycles('packages/glyph-embeddings');
    expect(formatCycles(cycles)).toBe('');
  });
});
