// Tiny DOM helpers: typed lookups that fail loudly, and element creation.
export function $<T extends HTMLElement = HTMLElement>(sel: string, root: ParentNode = document): T {
  const el = root.querySelector<T>(sel);
  if (!el) throw new Error(`element ${sel} is missing from index.html`);
  return el;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...kids: Array<Node | string>): HTMLElementTagNameMap[K] {
  const el = Object.assign(document.createElement(tag), props);
  el.append(...kids);
  return el;
}

export function showError(where: HTMLElement, e: unknown): void {
  where.textContent = `error: ${(e as Error)?.message ?? String(e)}`;
  where.classList.add('error');
}
