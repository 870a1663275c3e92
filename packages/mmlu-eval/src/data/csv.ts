// RFC-4180 CSV records, each with the 1-based line it starts on, read the way Python's csv module (and pandas)
// read the MMLU files: quoted fields may hold commas, "" and line breaks (kept byte for byte: MMLU has CRLF
// inside quotes of LF files); a quote inside an unquoted field is text (val/college_medicine_val.csv line 6 has
// one); text after a closing quote joins the field; CRLF, LF and CR all end a record; blank lines are skipped; a
// leading BOM is dropped. Hand-written rather than csv-parse: see the README (line numbers, browser speed).
import { McqDataError } from './errors.js';

export interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
}

const QUOTE = 34; // "
const COMMA = 44; // ,
const CR = 13;
const LF = 10;

/** Line breaks in text[from, to): CRLF counts once, a lone CR or LF once. */
function lineBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let j = from; j < to; j++) {
    const c = text.charCodeAt(j);
    if (c === LF) n++;
    else if (c === CR && text.charCodeAt(j + 1) !== LF) n++;
  }
  return n;
}

/** Parses CSV text (no header) into records; an unclosed quote throws McqDataError naming `file` and its line. */
export function parseCsvRecords(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const len = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < len) {
    const first = text.charCodeAt(i);
    if (first === CR || first === LF) {
      // a blank line (a line holding only "" is a record with one empty field, as in Python)
      i += first === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      continue;
    }
    const recordLine = line;
    const fields: string[] = [];
    let endOfRecord = false;
    while (!endOfRecord) {
      let field = '';
      if (text.charCodeAt(i) === QUOTE) {
        const openLine = line;
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) throw new McqDataError('quoted field is never closed', { file, line: openLine });
          field += text.slice(i, q);
          line += lineBreaks(text, i, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            field += '"';
            i = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
      }
      // unquoted text (the whole field, or what follows a closing quote)
      const start = i;
      while (i < len) {
        const c = text.charCodeAt(i);
        if (c === COMMA || c === CR || c === LF) break;
        i++;
      }
      field += text.slice(start, i);
      fields.push(field);
      if (i >= len) endOfRecord = true;
      else {
        const c = text.charCodeAt(i);
        i++;
        if (c !== COMMA) {
          if (c === CR && text.charCodeAt(i) === LF) i++;
          line++;
          endOfRecord = true;
        }
      }
    }
    records.push({ fields, line: recordLine });
  }
  return records;
}
