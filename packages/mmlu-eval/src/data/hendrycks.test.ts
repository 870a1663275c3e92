// Tests of the hendrycks CSV parser: RFC-4180 quoting, line numbers in errors, the directory layout, empty splits.
import { describe, expect, it } from 'vitest';
import { parseCsvRecords } from './csv.js';
import { McqDataError } from './errors.js';
import { mmluCsvPathInfo, mmluFromCsvFiles, parseMmluCsv } from './hendrycks.js';

const tricky = [
  '\uFEFFWhat is 2+2?,3,4,5,6,B',
  '"A question, with a comma",a,b,c,d,A',
  '"Multi-line\r\nquestion with ""quotes""?","x\ny",b,c,d,D',
  '',
  'Stray "quote" in an unquoted field,a,b,c,d,C',
].join('\r\n') + '\r\n';

describe('parseMmluCsv', () => {
  it('reads quotes, embedded newlines and commas, CRLF, a BOM and blank lines; index = row', () => {
    const items = parseMmluCsv(tricky, { file: 'test/x_test.csv', subject: 'x' });
    expect(items).toEqual([
      { subject: 'x', index: 0, question: 'What is 2+2?', choices: ['3', '4', '5', '6'], answer: 1 },
      { subject: 'x', index: 1, question: 'A question, with a comma', choices: ['a', 'b', 'c', 'd'], answer: 0 },
      { subject: 'x', index: 2, question: 'Multi-line\r\nquestion with "quotes"?', choices: ['x\ny', 'b', 'c', 'd'], answer: 3 },
      { subject: 'x', index: 3, question: 'Stray "quote" in an unquoted field', choices: ['a', 'b', 'c', 'd'], answer: 2 },
    ]);
  });

  it('gives each record the line it starts on (LF, CRLF and CR endings mixed)', () => {
    const recs = parseCsvRecords('a,b\n"c\r\nd",e\r\nf,g\rh,"i\nj\nk"\n\nl,m', 'f.csv');
    expect(recs.map((r) => [r.fields[0], r.line])).toEqual([['a', 1], ['c\r\nd', 2], ['f', 4], ['h', 5], ['l', 9]]);
    expect(recs.map((r) => r.fields.length)).toEqual([2, 2, 2, 2, 2]);
    expect(parseCsvRecords('"a"b,"x""y"z\n', 'f').map((r) => r.fields)).toEqual([['ab', 'x"yz']]);
    expect(parseCsvRecords(',\n,,', 'f').map((r) => r.fields)).toEqual([['', ''], ['', '', '']]);
    expect(parseCsvRecords('', 'f')).toEqual([]);
  });

  it('names the file and line of a row with the wrong number of columns (after a multi-line record)', () => {
    const text = 'q,a,b,c,d,A\n"two\nlines",a,b,c,d,B\nq3,a,b,c,A\n';
    const err = (() => { try { parseMmluCsv(text, { file: 'test/s_test.csv', subject: 's' }); } catch (e) { return e as McqDataError; } })();
    expect(err).toBeInstanceOf(McqDataError);
    expect(err!.message).toBe('test/s_test.csv, line 4: expected 6 columns (question,A,B,C,D,answer), got 5');
    expect([err!.file, err!.line]).toEqual(['test/s_test.csv', 4]);
  });

  it('names the file and line of an answer outside A-D', () => {
    expect(() => parseMmluCsv('q,a,b,c,d,A\nq,a,b,c,d,E\n', { file: 'dev/s_dev.csv', subject: 's' }))
      .toThrow('dev/s_dev.csv, line 2, field answer: answer must be one of A, B, C, D, got "E"');
    expect(() => parseMmluCsv('q,a,b,c,d,a\n', { file: 'f.csv', subject: 's' })).toThrow('f.csv, line 1, field answer');
    expect(() => parseMmluCsv('q,a,b,c,d,AB\n', { file: 'f.csv', subject: 's' })).toThrow('got "AB"');
  });

  it('names the file and line of an unclosed quote (the line it opens on)', () => {
    expect(() => parseCsvRecords('q\n"open\nx\ny\nz\n', 'g.csv')).toThrow('g.csv, line 2: quoted field is never closed');
    expect(() => parseMmluCsv('q,a,b,c,d,A\n"open,a,b,c,d,A\n', { file: 'f.csv', subject: 's' })).toThrow('f.csv, line 2: quoted field is never closed');
  });
});

describe('mmluFromCsvFiles', () => {
  const row = (q: string, ans = 'A') => `${q},a,b,c,d,${ans}\n`;
  const files = {
    'test/zoology_test.csv': row('z0') + row('z1', 'C'),
    'test/anatomy_test.csv': row('a0', 'D'),
    'val/anatomy_val.csv': row('av0'),
    'dev/anatomy_dev.csv': row('ad0') + row('ad1'),
    'dev/zoology_dev.csv': row('zd0'),
  };

  it('groups by split, sorts subjects by name, keeps file order', () => {
    const d = mmluFromCsvFiles(files, { source: 'mem', allowEmptySplits: false });
    expect(d.subjects).toEqual(['anatomy', 'zoology']);
    expect(d.test.map((it) => [it.subject, it.index, it.question, it.answer])).toEqual([['anatomy', 0, 'a0', 3], ['zoology', 0, 'z0', 0], ['zoology', 1, 'z1', 2]]);
    expect(d.dev.map((it) => it.question)).toEqual(['ad0', 'ad1', 'zd0']);
    expect(d.val.length).toBe(1);
    expect(d.source).toBe('mem');
  });

  it('rejects an empty split and a file name outside the layout', () => {
    const { 'val/anatomy_val.csv': _v, ...noVal } = files;
    expect(() => mmluFromCsvFiles(noVal, { source: '/data/mmlu' })).toThrow("/data/mmlu: split 'val' is empty");
    expect(() => mmluFromCsvFiles({ ...files, 'test/anatomy_val.csv': row('x') }, { source: 'm' })).toThrow('test/anatomy_val.csv: not a hendrycks MMLU file name');
    expect(() => mmluFromCsvFiles({ ...files, 'val/empty_val.csv': '\n\n' }, { source: 'm' })).not.toThrow();
  });

  it('parses path names', () => {
    expect(mmluCsvPathInfo('/x/y/test/high_school_us_history_test.csv')).toEqual({ split: 'test', subject: 'high_school_us_history' });
    expect(mmluCsvPathInfo('C:\\mmlu\\dev\\anatomy_dev.csv')).toEqual({ split: 'dev', subject: 'anatomy' });
    expect(mmluCsvPathInfo('test/anatomy_dev.csv')).toBeUndefined();
    expect(mmluCsvPathInfo('anatomy_test.csv')).toBeUndefined();
  });
});
