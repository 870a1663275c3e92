// SFT JSONL: examples line by line; invalid JSON, non-objects and missing or non-string fields are errors
// naming the file and the line number.
import { describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSftJsonl, readSftJsonlAll } from './data-jsonl.js';

describe('readSftJsonl', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glyphlm-jsonl-'));
  const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };

  test('reads examples, skipping blank lines (CRLF and BOM too)', async () => {
    const p = file('ok.jsonl', '\ufeff{"prompt":"Q: a","response":" b"}\r\n\r\n{"prompt":"Q: \\u00e9","response":" ü","extra":1}\n');
    expect(await readSftJsonlAll(p)).toEqual([{ prompt: 'Q: a', response: ' b' }, { prompt: 'Q: é', response: ' ü' }]);
    const q = file('fields.jsonl', '{"question":"x","answer":"y"}\n');
    expect(await readSftJsonlAll(q, { promptField: 'question', responseField: 'answer' })).toEqual([{ prompt: 'x', response: 'y' }]);
  });

  test('errors name the file and line', async () => {
    const cases: Array<[string, RegExp]> = [
      ['{"prompt":"a","response":"b"}\n\n{"prompt": "a", "response": }\n', /bad1\.jsonl:3: invalid JSON/],
      ['{"prompt":"a","response":"b"}\n{"prompt":"a"}\n', /bad2\.jsonl:2: missing field "response"/],
      ['{"prompt":1,"response":"b"}\n', /bad3\.jsonl:1: field "prompt" must be a string, got number/],
      ['{"prompt":"a","response":"b"}\n[1,2]\n', /bad4\.jsonl:2: expected a JSON object/],
    ];
    for (const [i, [text, re]] of cases.entries()) {
      await expect(readSftJsonlAll(file(`bad${i + 1}.jsonl`, text))).rejects.toThrow(re);
    }
    await expect(readSftJsonlAll(join(dir, 'missing.jsonl'))).rejects.toThrow(/cannot read .*missing\.jsonl \(ENOENT\)/);
    // streaming: examples before the bad line arrive first
    const got: string[] = [];
    await expect((async () => { for await (const ex of readSftJsonl(file('late.jsonl', '{"prompt":"a","response":"b"}\nnope\n'))) got.push(ex.prompt); })()).rejects.toThrow(/late\.jsonl:2/);
    expect(got).toEqual(['a']);
    rmSync(dir, { recursive: true, force: true });
  });
});
