// The command line's contract, through real child processes of dist/bin.js: --help per subcommand, one clear line
// and exit code 2 for bad flags, missing files and unknown names, and the tokenize happy path with exact ids.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bvv241 } from '@glyphlm/unicode-tokenizer';
import { OUT, requireBuilt, runGlyphlm } from './helpers.js';

const SUBCOMMANDS = ['tokenize', 'embed', 'generate', 'train', 'eval', 'experiment', 'report', 'export-torch', 'import-torch', 'grow', 'fuse'];

beforeAll(() => { requireBuilt(); mkdirSync(OUT, { recursive: true }); });

describe('glyphlm --help', () => {
  it('lists every subcommand and each has its own help', async () => {
    const top = await runGlyphlm(['--help']);
    expect(top.code).toBe(0);
    for (const s of SUBCOMMANDS) expect(top.stdout).toContain(s);
    const helps = await Promise.all(SUBCOMMANDS.map((s) => runGlyphlm([s, '--help'])));
    helps.forEach((h, i) => {
      expect(h.code, SUBCOMMANDS[i]).toBe(0);
      expect(h.stdout).toContain(`Usage: glyphlm ${SUBCOMMANDS[i]}`);
    });
  });
});

describe.concurrent('bad input: one line, exit code 2, no stack trace', () => {
  const cases: Array<[string[], RegExp]> = [
    [['tokenize', '--bogus'], /unknown option '--bogus'/],
    [['tokenize', '-f', '/nonexistent/x.txt'], /input file not found: \/nonexistent\/x\.txt/],
    [['tokenize', 'hi', '-t', 'nope'], /unknown tokenizer 'nope'/],
    [['tokenize', 'hi', '-t', '/nonexistent/tokenizer.json'], /tokenizer file not found/],
    [['tokenize'], /give text or --file/],
    [['experiment', '--preset', 'huge'], /argument 'huge' is invalid.*tiny, laptop, desktop, paper-335m/],
    [['experiment', '--seeds', '1,x'], /--seeds must be an integer/],
    [['experiment', '--arms', 'frozen,wat'], /unknown arm 'wat'/],
    [['experiment', '--corpus', '/nonexistent/c.txt'], /corpus file not found/],
    [['embed', '-o', 'x.bin'], /--out must end in \.safetensors/],
    [['embed', '-o', 'x.safetensors', '--font', '/nonexistent/f.ttf'], /font file not found/],
    [['embed', '-o', 'x.safetensors', '--recipe', 'nope'], /unknown recipe 'nope'/],
    [['generate', '/nonexistent/ckpt', '-p', 'hi'], /checkpoint directory not found/],
    [['generate', '.', '-p', 'hi'], /is not a checkpoint/],
    [['report', '/nonexistent/run'], /no report\.json/],
    [['train', '-o', 'x', '--steps', '0'], /--steps must be an integer >= 1/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ];
  it.each(cases)('glyphlm %j', async (args, re) => {
    const r = await runGlyphlm(args);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^glyphlm: /);
    expect(lines[0]).toMatch(re);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--verbose adds the stack trace', async () => {
    const r = await runGlyphlm(['tokenize', 'hi', '-t', 'nope', '--verbose']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/UsageError: unknown tokenizer/);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe('glyphlm tokenize', () => {
  it('prints the exact ids of bvv241-2-3, and statistics for files', async () => {
    const text = 'Hello мир 世界 ROMEO:';
    const r = await runGlyphlm(['tokenize', text]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe([...bvv241('2-3').encode(text)].join(' '));
    const file = join(OUT, 'tokenize-input.txt');
    writeFileSync(file, 'All human beings are born free.\nВсе люди рождаются свободными.\n');
    const s = await runGlyphlm(['tokenize', '--stats', '--json', '-f', file]);
    expect(s.code).toBe(0);
    const stats = JSON.parse(s.stdout);
    expect(stats.tokenizer).toBe('bvv241-2-3');
    expect(stats.overall.tokens).toBe(bvv241('2-3').encode('All human beings are born free.\nВсе люди рождаются свободными.\n').length);
    const show = await runGlyphlm(['tokenize', '--show', '--tokenizer', 'bvv241-max', 'Hi']);
    const tok = bvv241('max');
    expect(show.stdout.trim().split('\n')).toEqual([...tok.encode('Hi')].map((id) => `${id}\t${JSON.stringify(tok.tokenString(id))}`));
  });
});

describe('glyphlm experiment --preset paper-335m', () => {
  it('prints the CPU estimate and the PyTorch path instead of training', async () => {
    const r = await runGlyphlm(['experiment', '--preset', 'paper-335m', '--out', join(OUT, 'runs', 'p335')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^paper-335m: 8 runs \(4 arms x 2 seeds\) of 3,276,800,000 tokens at 1\.81 GFLOP\/token\.\n/);
    expect(r.stdout).toMatch(/that is about [\d.]+ years: not a CPU job/);
    for (const arm of ['frozen', 'trainable', 'trainable-from-glyph', 'random-binary']) {
      expect(r.stdout).toContain(`glyphlm export-torch --init --preset paper-335m --arm ${arm} --out ${join(OUT, 'runs', 'p335', `${arm}-torch`)} --nproc 8 --steps 100000`);
    }
  });
});
