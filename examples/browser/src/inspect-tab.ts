// Inspect tab: a text's tokens drawn as the glyph pictures the frozen table is made from (glyph-embeddings renders
// them here, with the same font and recipe), and for a clicked token its nearest neighbours in the model's input
// table and in its output head, side by side: does meaning appear above frozen pictures?
import { defaultFont, nearest, renderToken, type GlyphFont } from '@glyphlm/glyph-embeddings';
import { bvv241, type Tokenizer } from '@glyphlm/unicode-tokenizer';
import fontUrl from '@fontsource/unifontex/files/unifontex-latin-400-normal.woff?url';
import { $, h, showError } from './dom.js';
import { loaded, onLoaded } from './session.js';

interface Rows { rows: number; dim: number; data: Float32Array }
let tables: Promise<{ input: Rows; head: Rows }> | undefined;
let font: Promise<GlyphFont> | undefined;

function tokenizer(): Tokenizer {
  return loaded()?.tokenizer ?? bvv241('2-3');
}

function glyphCanvas(f: GlyphFont, text: string): HTMLCanvasElement {
  const img = renderToken(f, text, { recipe: 'bvv241-2-3' });
  const c = h('canvas', { width: img.width, height: img.height, className: 'glyph' });
  const ctx = c.getContext('2d')!;
  const rgba = new ImageData(img.width, img.height);
  for (let i = 0; i < img.data.length; i++) rgba.data.set([img.data[i], img.data[i], img.data[i], 255], i * 4);
  ctx.putImageData(rgba, 0, 0);
  return c;
}

async function modelTables(): Promise<{ input: Rows; head: Rows }> {
  const l = loaded();
  if (!l) throw new Error('load a checkpoint in the Run tab to compare neighbours');
  tables ??= l.model.stateDict().then((sd) => {
    const rows = (name: string): Rows => {
      const t = sd.get(name);
      if (!t) throw new Error(`checkpoint has no ${name}`);
      return { rows: t.shape[0], dim: t.shape[1], data: t.data as Float32Array };
    };
    return { input: rows('tok_embedding.weight'), head: rows('lm_head.weight') };
  });
  return tables;
}

function neighbourList(title: string, tok: Tokenizer, m: Rows, id: number): HTMLElement {
  const items = nearest(m, id, 10).map((n) => h('li', {}, h('code', {}, JSON.stringify(tok.tokenString(n.id))), ` ${n.cos.toFixed(3)}`));
  return h('div', { className: 'neighbours' }, h('h4', {}, title), h('ol', {}, ...items));
}

async function showNeighbours(id: number): Promise<void> {
  const box = $('#neighbours');
  box.classList.remove('error');
  box.textContent = 'computing…';
  try {
    const l = loaded();
    const t = await modelTables();
    const tok = l!.tokenizer;
    const kind = l!.model.embeddingKind === 'frozen' ? 'frozen glyph table' : 'trainable input table';
    box.replaceChildren(
      h('p', {}, `nearest to `, h('code', {}, JSON.stringify(tok.tokenString(id))), ` (id ${id}) by cosine`),
      h('div', { className: 'side-by-side' }, neighbourList(`input: ${kind}`, tok, t.input, id), neighbourList('output head (trained)', tok, t.head, id)),
    );
    box.dataset.state = 'done';
  } catch (e) {
    showError(box, e);
  }
}

async function showTokens(): Promise<void> {
  const strip = $('#token-strip');
  strip.classList.remove('error');
  try {
    font ??= defaultFont({ url: fontUrl });
    const f = await font;
    const tok = tokenizer();
    const ids = [...tok.encode($<HTMLInputElement>('#inspect-text').value)];
    strip.replaceChildren(...ids.map((id) => {
      const card = h('button', { className: 'token', title: `id ${id}` }, glyphCanvas(f, tok.tokenString(id)), h('span', {}, JSON.stringify(tok.tokenString(id))));
      card.dataset.id = String(id);
      card.addEventListener('click', () => void showNeighbours(id));
      return card;
    }));
    strip.dataset.count = String(ids.length);
    $('#inspect-tokenizer').textContent = `${ids.length} tokens of ${tok.name}`;
  } catch (e) {
    showError(strip, e);
  }
}

export function initInspectTab(): void {
  onLoaded(() => { tables = undefined; });
  $('#inspect-go').addEventListener('click', () => void showTokens());
}
