// The CSV reader against Python's csv module (a real python3 child process) on 2,000 seeded random texts and on
// every MMLU file in ../shared, plus a round trip through an RFC-4180 writer with random line endings.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsvRecords } from './csv.js';
import { McqDataError } from './errors.js';
import { mulberry32 } from '../stats/random.js';

const SHARED = join(__dirname, '../../../../../shared/data/mmlu');
const havePython = spawnSync('python3', ['-c', 'import csv'], { encoding: 'utf8' }).status === 0;

const PY = `
import csv, io, json, sys
out = []
for text in json.load(sys.stdin):
    out.append([r for r in csv.reader(io.StringIO(text, newline='')) if r])
json.dump(out, sys.stdout)
`;

function pythonParse(texts: string[]): string[][][] {
  const r = spawnSync('python3', ['-c', PY], { input: JSON.stringify(texts), encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as string[][][];
}

function randomText(rand: () => number): string {
  const alphabet = ['a', 'b', ' ', ',', ',', '"', '"', '\n', '\r', '\r\n', 'é', '😀'];
  let s = '';
  const len = Math.floor(rand() * 40);
  for (let i = 0; i < len; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
}

describe('parseCsvRecords', () => {
  it.skipIf(!havePython)('reads 2,000 seeded random texts as Python\'s csv module does (where the quotes close)', () => {
    const rand = mulberry32(2024);
    const texts: string[] = [];
    while (texts.length < 2000) {
      const t = randomText(rand);
      try { parseCsvRecords(t, 'fuzz'); texts.push(t); } catch (e) { expect(e).toBeInstanceOf(McqDataError); }
    }
    const py = pythonParse(texts);
    texts.forEach((t, i) => expect(parseCsvRecords(t, 'fuzz').map((r) => r.fields), JSON.stringify(t)).toEqual(py[i]));
  });

  it.skipIf(!havePython || !existsSync(SHARED))('reads every MMLU file in ../shared as Python\'s csv module does', () => {
    const texts: string[] = [];
    for (const split of ['dev', 'val', 'test']) for (const f of readdirSync(join(SHARED, split)).sort()) texts.push(readFileSync(join(SHARED, split, f), 'utf8'));
    const py = pythonParse(texts);
    let rows = 0;
    texts.forEach((t, i) => {
      const ours = parseCsvRecords(t, `file ${i}`).map((r) => r.fields);
      expect(ours).toEqual(py[i]);
      rows += ours.length;
    });
    expect(rows).toBe(285 + 1542 + 14079);
  });
  if (!havePython) console.log('csv.test: python3 absent, parity with Python csv skipped');
  if (!existsSync(SHARED)) console.log(`csv.test: ${SHARED} absent, MMLU parity skipped`);

  it('round-trips records written by an RFC-4180 writer with random line endings, with exact start lines', () => {
    const rand = mulberry32(99);
    for (let trial = 0; trial < 300; trial++) {
      const records: string[][] = [];
      const nRec = 1 + Math.floor(rand() * 8);
      for (let r = 0; r < nRec; r++) {
        const nf = 1 + Math.floor(rand() * 6);
        const rec: string[] = [];
        for (let f = 0; f < nf; f++) rec.push(randomText(rand));
        if (nf === 1 && rec[0] === '') rec[0] = 'x'; // a lone empty field is a blank line
        records.push(rec);
      }
      let text = '';
      const starts: number[] = [];
      let line = 1;
      for (const rec of records) {
        starts.push(line);
        const body = rec.map((f) => (/[",\r\n]/.test(f) || f === '' ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
        text += body;
        line += (body.match(/\r\n|\r|\n/g) ?? []).length;
        const eol = ['\n', '\r\n', '\r'][Math.floor(rand() * 3)];
        text += eol;
        line++;
      }
      const got = parseCsvRecords(text, 'w');
      expect(got.map((r) => r.fields)).toEqual(records);
      expect(got.map((r) => r.line)).toEqual(starts);
    }
  });
});
