// Cutting long texts into documents at paragraph boundaries (so a document split of the corpus has many units).

/** Joins `paragraphs` into documents of about `target` characters (never splitting a paragraph). */
export function groupParagraphs(paragraphs: readonly string[], target: number, sep = '\n'): string[] {
  const docs: string[] = [];
  let cur: string[] = [], len = 0;
  for (const p of paragraphs) {
    cur.push(p); len += p.length + sep.length;
    if (len >= target) { docs.push(cur.join(sep)); cur = []; len = 0; }
  }
  if (cur.length) docs.push(cur.join(sep));
  return docs;
}

/** Splits a text into documents of about `target` characters at blank lines (or line ends when there are none). */
export function chunkText(text: string, target: number): string[] {
  const parts = text.includes('\n\n') ? text.split(/\n{2,}/) : text.split('\n');
  return groupParagraphs(parts.filter((p) => p.trim() !== ''), target, text.includes('\n\n') ? '\n\n' : '\n');
}
