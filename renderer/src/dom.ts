// Small DOM helpers. Text always goes in through textContent, never as HTML.

/** Returns the element with `id`, failing loudly when the page lacks it. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no element with id "${id}"`);
  return element as T;
}

/** Creates an element with optional class names and text. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Sets the text of `node`, touching the DOM only when it changed. */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}
