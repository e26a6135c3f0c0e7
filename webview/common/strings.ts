/**
 * The page's user-visible texts: the host writes its view's table (src/client/webviews/strings.ts,
 * in VS Code's display language) into `<body data-strings>`; the page fills their `{n}`.
 */

/** The strings table the host put into the page. */
export function pageStrings<T extends object>(): T {
  return JSON.parse(document.body.dataset.strings ?? '{}') as T;
}

/** Fills `{0}`, `{1}` … of `template` in one pass (an argument's own braces stay as they are). */
export function format(template: string, ...args: (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m));
}
