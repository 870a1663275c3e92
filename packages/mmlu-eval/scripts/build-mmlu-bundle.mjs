// Builds data/mmlu.json.gz (the MMLU copy shipped with the package) and data/LICENSE-MMLU from a hendrycks/test
// data directory (default ../shared/data/mmlu, the pre-release at commit 785eba57: 285 dev / 1,542 val / 14,079
// test rows). Run after `pnpm build`: node scripts/build-mmlu-bundle.mjs [dir]. Writes to temp files, then renames.
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeBundle, decodeBundle } from '../dist/data/index.js';
import { loadMmluCsvDir } from '../dist/node/data.js';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = resolve(process.argv[2] ?? join(pkg, '../../../shared/data/mmlu'));
const SOURCE = 'hendrycks/test pre-release (github.com/hendrycks/test @ 785eba57, 2020-09-08; MIT): 57 subjects, 285 dev / 1,542 val / 14,079 test rows; the final release (cais/mmlu) has 14,042 test rows';

const dataset = await loadMmluCsvDir(dir);
dataset.source = SOURCE;
const files = [];
for (const split of ['dev', 'val', 'test']) {
  for (const name of (await readdir(join(dir, split))).filter((n) => n.endsWith('.csv')).sort()) {
    const bytes = await readFile(join(dir, split, name));
    const subject = name.slice(0, -`_${split}.csv`.length);
    files.push({ path: `${split}/${name}`, sha256: createHash('sha256').update(bytes).digest('hex'), rows: dataset[split].filter((it) => it.subject === subject).length });
  }
}
const license = await readFile(join(dir, 'LICENSE'), 'utf8');
const bytes = encodeBundle(dataset, { license, files });
const back = decodeBundle(bytes);
for (const split of ['dev', 'val', 'test']) {
  if (JSON.stringify(back[split]) !== JSON.stringify(dataset[split])) throw new Error(`round trip of split ${split} failed`);
}

async function writeAtomic(path, data) {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}
await writeAtomic(join(pkg, 'data/mmlu.json.gz'), bytes);
await writeAtomic(join(pkg, 'data/LICENSE-MMLU'), license);
console.log(`data/mmlu.json.gz: ${bytes.length} bytes; ${dataset.subjects.length} subjects, dev ${dataset.dev.length}, val ${dataset.val.length}, test ${dataset.test.length}`);
