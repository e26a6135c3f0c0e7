/**
 * Markdown for hovers and tooltips. Terms come from user files and are hostile until escaped:
 * the client marks hovers trusted for our command links, so a term like `[x](command:evil)` or
 * `<img src=x onerror=…>` must render as literal text, never as a link or HTML.
 */

import { visibleText } from '../core/visible';

/** Markdown punctuation that can start or end a construct (CommonMark's escapable ASCII set). */
const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]()#+\-.!|~"'$:/=]/g;

/**
 * Escapes text for Markdown: HTML-escapes `& < >` (so no tag or entity survives) and
 * backslash-escapes Markdown punctuation; line breaks become spaces (a term is one line), other
 * control and bidi characters visible escapes (`visibleText`).
 */
export function escapeMarkdown(text: string): string {
  return visibleText(text.replace(/[\r\n]+/g, ' '))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`);
}

/**
 * A `command:` link whose arguments are JSON, URI-encoded. `encodeURIComponent` leaves `( ) ' ! *`
 * alone, and a `)` would end the Markdown link target early, so those are encoded too.
 */
export function commandLink(label: string, command: string, args: unknown[], tooltip?: string): string {
  const encoded = encodeURIComponent(JSON.stringify(args)).replace(/[()'!*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const title = tooltip ? ` "${tooltip.replace(/["\\]/g, '')}"` : '';
  return `[${escapeMarkdown(label)}](command:${command}?${encoded}${title})`;
}
