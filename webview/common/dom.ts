/**
 * Tiny DOM helpers. Data only ever reaches the page as `textContent`, a property or a canvas
 * `fillText` — never as markup — so a term like `<img src=x onerror=alert(1)>` shows literally.
 */

type Props = Record<string, string | number | boolean | undefined>;

/** `document.createElement(tag)` with attributes (set as attributes, not markup) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props, ...children: (Node | string)[]): HTMLElementTagNameMap[K];
export function h(tag: string, props?: Props, ...children: (Node | string)[]): HTMLElement;
export function h(tag: string, props: Props = {}, ...children: (Node | string)[]): HTMLElement {
  const el = document.createElement(tag);
  setProps(el, props);
  for (const c of children) el.append(c);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes. */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, props: Props = {}, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setProps(el, props);
  for (const c of children) el.append(c);
  return el;
}

function setProps(el: Element, props: Props): void {
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === false) continue;
    if (k === 'text') el.textContent = String(v);
    else if (k === 'className') el.setAttribute('class', String(v));
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

/** Sets `textContent` only when it changes (cheap re-renders of pooled rows). */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** Formats a cosine for people: 3 decimals, a real minus sign. */
export function formatCosine(x: number): string {
  return Number.isFinite(x) ? x.toFixed(3).replace('-', '−') : '–';
}
