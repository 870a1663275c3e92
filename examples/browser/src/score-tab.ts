// Score tab: one MMLU test question under the lm-evaluation-harness protocol (the log-likelihood of " A".." D"
// after up to 5 dev shots) and under the paper's protocol (the one token generated after "Answer:"), through
// @glyphlm/mmlu-eval's evaluate() on a one-item dataset.
import { evaluate, loadMMLU, harnessContext, harnessDescription, paperPromptMMLU, type MMLU, type McqDataset } from '@glyphlm/mmlu-eval';
import { $, h, showError } from './dom.js';
import { loaded } from './session.js';

let mmlu: Promise<MMLU> | undefined;
let session = 0;

async function ensureData(): Promise<MMLU> {
  if (!mmlu) {
    mmlu = loadMMLU();
    const m = await mmlu;
    const sel = $<HTMLSelectElement>('#score-subject');
    sel.replaceChildren(...m.subjects.map((s) => h('option', { value: s, textContent: s.replace(/_/g, ' ') })));
    sel.value = m.subjects.includes('high_school_geography') ? 'high_school_geography' : m.subjects[0];
    $('#score-data').textContent = `${m.name}: ${m.test.length} test questions in ${m.subjects.length} subjects (${m.source})`;
  }
  return mmlu;
}

async function score(): Promise<void> {
  const out = $('#score-result');
  out.classList.remove('error');
  out.dataset.state = 'running';
  try {
    const m = await ensureData();
    const l = loaded();
    if (!l) throw new Error('load a checkpoint in the Run tab first');
    const subject = $<HTMLSelectElement>('#score-subject').value;
    const index = Number($<HTMLInputElement>('#score-index').value);
    const item = m.test.find((it) => it.subject === subject && it.index === index);
    if (!item) throw new Error(`${subject} has no test question ${index}`);
    const one: McqDataset = { ...m, subjects: [subject], dev: m.dev.filter((d) => d.subject === subject), val: [], test: [item] };
    const fp = `browser-session-${++session}`;
    const harness = await evaluate(l.model, l.tokenizer, one, { protocol: 'harness', shots: 5, modelFingerprint: fp });
    const paper = await evaluate(l.model, l.tokenizer, one, { protocol: 'paper', modelFingerprint: fp });
    const hr = harness.items[0], pr = paper.items[0];
    const letters = ['A', 'B', 'C', 'D'];
    out.replaceChildren(
      h('p', { className: 'question' }, item.question),
      h('table', {}, h('tr', {}, h('th', {}, 'choice'), h('th', {}, 'text'), h('th', {}, 'log-likelihood (harness)')),
        ...item.choices.map((c, i) => {
          const row = h('tr', {}, h('td', {}, letters[i] + (i === item.answer ? ' (gold)' : '')), h('td', {}, c), h('td', {}, hr.logliks![i].toFixed(4) + (i === hr.pred ? '  <- pick' : '')));
          if (i === hr.pred) row.className = 'pick';
          return row;
        })),
      h('p', {}, `harness (${hr.shots} of 5 shots fit the context of ${l.model.config.blockSize}): picks ${letters[hr.pred]}, ${hr.pred === item.answer ? 'correct' : 'wrong'}`),
      h('p', {}, 'paper (zero-shot, one generated token): ', h('code', { id: 'score-paper-output' }, JSON.stringify(pr.output)),
        pr.pred < 0 ? ' is not a letter A-D: counted wrong (invalid format)' : ` reads as ${letters[pr.pred]}, ${pr.pred === item.answer ? 'correct' : 'wrong'}`),
      h('details', {}, h('summary', {}, 'prompts'),
        h('pre', {}, paperPromptMMLU(item)),
        h('pre', {}, harnessContext(item, one.dev.slice(0, hr.shots ?? 0), harnessDescription(subject)))),
    );
    out.dataset.logliks = JSON.stringify(hr.logliks);
    out.dataset.paperOutput = pr.output ?? '';
    out.dataset.shots = String(hr.shots);
    out.dataset.state = 'done';
  } catch (e) {
    showError(out, e);
    out.dataset.state = 'error';
  }
}

export function initScoreTab(): void {
  $('#score-go').addEventListener('click', () => void score());
  $('#tab-score').addEventListener('click', () => { void ensureData().catch((e) => showError($('#score-data'), e)); });
}
