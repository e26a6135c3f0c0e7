/** The first argument of every `l10n.t(...)` call in a source text: a literal, an object's `message`, or a problem. */
export function l10nCalls(source: string): { message?: string; problem?: string }[] {
  const out: { message?: string; problem?: string }[] = [];
  const literal = String.raw`'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|\`(?:[^\`\\]|\\.)*\``;
  const call = /\bl10n\.t\(\s*/g;
  while (call.exec(source)) {
    const rest = source.slice(call.lastIndex);
    const lit = new RegExp(`^(?:${literal})`).exec(rest) ?? new RegExp(String.raw`^\{\s*message:\s*(${literal})`).exec(rest);
    if (!lit) {
      out.push({ problem: `not a literal: l10n.t(${rest.slice(0, 40)}…` });
      continue;
    }
    const raw = lit[1] ?? lit[0];
    if (raw.startsWith('`') && raw.includes('${')) {
      out.push({ problem: `template literal with \${…} (use {0} placeholders): ${raw}` });
      continue;
    }
    // The literal's value as JavaScript reads it (escapes resolved).
    const value = raw.startsWith('`') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : (JSON.parse(raw.startsWith("'") ? `"${raw.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"` : raw) as string);
    out.push({ message: value });
  }
  return out;
}

/** A localizer like `vscode.l10n` over a bundle (`{ english: translation }`); `missing` collects messages it lacks. */
export function bundleLocalizer(bundle: Record<string, string | { message: string }>, missing?: Set<string>): { t(message: string): string } {
  return {
    t: (message: string) => {
      const v = bundle[message];
      if (v === undefined) missing?.add(message);
      return v === undefined ? message : typeof v === 'string' ? v : v.message;
    },
  };
}
