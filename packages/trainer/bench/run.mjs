// `pnpm bench` for @glyphlm/trainer: tokenizing throughput against tiktoken (bench/tokenize.mjs) and training
// tokens/s against the PyTorch twin (bench/train.mjs), each in a fresh process so caches start cold.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
let failed = 0;
for (const script of ['tokenize.mjs', 'train.mjs']) {
  const path = join(here, script);
  if (!existsSync(path)) { console.log(`bench: ${script} missing, skipped`); continue; }
  console.log(`\n# ${script}`);
  const r = spawnSync(process.execPath, ['--max-old-space-size=12000', path, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) { console.error(`bench: ${script} exited with ${r.status}`); failed++; }
}
process.exit(failed ? 1 : 0);
