// Building DOM without markup: every piece of text goes in through textContent, so nothing a
// call or a note carries can become HTML (docs/platform.md "Front end").

export interface ElOptions {
  className?: string;
  text?: string;
  /** Attributes, set with setAttribute (values are strings: never markup). */
  attrs?: Record<string, string>;
}

export type Child = Node | null | false;

export function el(tag: string, options: ElOptions, children: Child[] = []): HTMLElement {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  if (options.attrs) setAttributes(node, options.attrs);
  append(node, children);
  return node;
}

function setAttributes(node: HTMLElement, attrs: Record<string, string>): void {
  for (const name of Object.keys(attrs)) node.setAttribute(name, attrs[name] as string);
}

function append(node: HTMLElement, children: Child[]): void {
  for (const child of children) if (child) node.appendChild(child);
}

/** `<fw-format-date>` for a clock-ms or ISO time: day, month, hour and minute in the agent's locale. */
export function dateEl(at: number | string, className = 'time'): HTMLElement {
  const iso = typeof at === 'number' ? new Date(at).toISOString() : at;
  return el('fw-format-date', {
    className,
    attrs: { date: iso, day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' },
  });
}

/** A crayons label (status chip); `color` is one of fw-label's colours. */
export function labelEl(value: string, color: string): HTMLElement {
  return el('fw-label', { attrs: { value, color } });
}

/** A crayons inline message; its text is a child text node (textContent). */
export function messageEl(type: string, children: Child[]): HTMLElement {
  return el('fw-inline-message', { attrs: { type, open: '', closable: 'false' } }, children);
}

/** A labelled row: "<term> <value>" as a description-list pair. */
export function row(term: string, value: Node): HTMLElement {
  return el('div', { className: 'row' }, [el('dt', { text: term }), el('dd', {}, [value])]);
}

export function text(value: string): Text {
  return document.createTextNode(value);
}

/**
 * Moves the focus to `node`. A crayons component takes it through its setFocus method (the
 * control is inside its shadow root: focus() on the host element does nothing); if that fails,
 * the reason is kept on the element for whoever debugs it.
 */
export function focusEl(node: Element): Promise<void> {
  const target = node as HTMLElement & { setFocus?: () => Promise<unknown> };
  if (typeof target.setFocus !== 'function') {
    target.focus();
    return Promise.resolve();
  }
  return target.setFocus().then(
    () => undefined,
    (err: unknown) => target.setAttribute('data-focus-error', String(err)),
  );
}

/** Replaces everything in `root` with `nodes`. */
export function replace(root: HTMLElement, nodes: Child[]): void {
  while (root.firstChild) root.removeChild(root.firstChild);
  append(root, nodes);
}
