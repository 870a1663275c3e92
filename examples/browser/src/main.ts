// The glyphlm browser example: starts the backend (webgpu, else wasm, shown on screen), then wires the four tabs:
// Run (load + stream tokens), Inspect (glyphs + neighbours), Score (one MMLU question, two protocols), Train.
import './wasm-paths.js';
import './heartbeat.js';
import './style.css';
import { tf } from '@glyphlm/transformer-core';
import { $ } from './dom.js';
import { loaded } from './session.js';
import { requestedBackend, startBackend } from './backend.js';
import { initRunTab } from './run-tab.js';
import { initInspectTab } from './inspect-tab.js';
import { initScoreTab } from './score-tab.js';
import { initTrainTab } from './train-tab.js';

function initTabs(): void {
  const tabs = [...document.querySelectorAll<HTMLButtonElement>('nav button')];
  for (const t of tabs) {
    t.addEventListener('click', () => {
      for (const u of tabs) {
        u.classList.toggle('active', u === t);
        $(`#${u.dataset.panel}`).hidden = u !== t;
      }
    });
  }
}

async function main(): Promise<void> {
  initTabs();
  const note = $('#backend-note');
  let backend = 'wasm';
  try {
    const info = await startBackend(requestedBackend(location.search));
    backend = info.name;
    note.textContent = info.note;
    note.classList.toggle('fallback', info.name !== 'webgpu');
  } catch (e) {
    note.textContent = `no backend: ${(e as Error).message}`;
    note.classList.add('error');
  }
  document.body.dataset.backend = backend;
  initRunTab();
  initInspectTab();
  initScoreTab();
  initTrainTab(() => backend);
  document.body.dataset.ready = 'true';
}

// for the devtools console: glyphlm.tf, glyphlm.loaded()
(globalThis as { glyphlm?: unknown }).glyphlm = { tf, loaded };

void main();
