/** Typed element lookup: a missing element is a bug in index.html, found at start-up rather than later. */
export function byId<T extends HTMLElement>(id: string, type: { new (): T; prototype: T }): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`Settings page: #${id} is missing or not a ${type.name}.`);
  return element;
}

/** Shows a message in an element (or hides it when null). Text only: nothing from data becomes markup. */
export function showText(element: HTMLElement, text: string | null): void {
  element.textContent = text ?? '';
  element.hidden = text === null || text === '';
}
